import { z } from 'zod';
import { Timestamp } from '../../../platform/time';

/**
 * The columns a bulk order upload accepts, in template order, with one example row. One row is one order
 * line; rows sharing a merchant_reference form one order. `synonyms` are the headers merchants' own exports use
 * for the column (English, Dutch, German, French); the upload matches them with case, accents, spaces and
 * punctuation ignored, so "E-mailadres" and "e-mail adres" are the same header.
 */
export const ORDER_CSV_COLUMNS = [
  {
    name: 'merchant_reference',
    example: 'SHOP-10001',
    required: true,
    synonyms: [
      'reference',
      'order reference',
      'order number',
      'order no',
      'order id',
      'ordernummer',
      'bestelnummer',
      'bestelling',
      'referentie',
      'bestellnummer',
      'auftragsnummer',
      'referenz',
      'numéro de commande',
      'référence',
      'reference commande',
      'commande',
    ],
  },
  {
    name: 'customer_name',
    example: 'Anna de Vries',
    required: true,
    synonyms: [
      'name',
      'full name',
      'customer',
      'naam',
      'klant',
      'klantnaam',
      'volledige naam',
      'Vorname/Nachname',
      'Vor- und Nachname',
      'Kunde',
      'Kundenname',
      'nom',
      'nom complet',
      'client',
      'nom du client',
      'destinataire',
      'recipient',
    ],
  },
  {
    name: 'customer_email',
    example: 'anna@example.nl',
    required: true,
    synonyms: [
      'email',
      'e-mail',
      'email address',
      'E-mailadres',
      'emailadres',
      'E-Mail-Adresse',
      'adresse e-mail',
      'courriel',
      'mail',
    ],
  },
  {
    name: 'customer_phone',
    example: '+31 6 12345678',
    required: false,
    synonyms: [
      'phone',
      'telephone',
      'mobile',
      'telefoon',
      'telefoonnummer',
      'mobiel',
      'Telefon',
      'Telefonnummer',
      'Handy',
      'téléphone',
      'portable',
      'numéro de téléphone',
    ],
  },
  {
    name: 'address_line1',
    example: 'Keizersgracht 123',
    required: true,
    synonyms: [
      'address',
      'street',
      'address 1',
      'street address',
      'adres',
      'straat',
      'straatnaam',
      'Straße',
      'Adresse',
      'Anschrift',
      'rue',
      'adresse 1',
      'adresse ligne 1',
    ],
  },
  {
    name: 'address_line2',
    example: '',
    required: false,
    synonyms: [
      'address 2',
      'adres 2',
      'toevoeging',
      'huisnummer toevoeging',
      'Adresszusatz',
      'adresse 2',
      "complément d'adresse",
      'complement adresse',
    ],
  },
  {
    name: 'postal_code',
    example: '1015 CJ',
    required: true,
    synonyms: ['postcode', 'zip', 'zip code', 'postal', 'PLZ', 'Postleitzahl', 'code postal', 'cp'],
  },
  {
    name: 'city',
    example: 'Amsterdam',
    required: true,
    synonyms: ['town', 'plaats', 'woonplaats', 'stad', 'Ort', 'Stadt', 'Wohnort', 'ville', 'localité'],
  },
  {
    name: 'country',
    example: 'NL',
    required: true,
    synonyms: ['country code', 'land', 'landcode', 'Land', 'Ländercode', 'pays', 'code pays'],
  },
  {
    name: 'currency',
    example: 'EUR',
    required: true,
    synonyms: ['valuta', 'munteenheid', 'Währung', 'devise', 'monnaie'],
  },
  {
    name: 'carrier_code',
    example: 'POSTNL',
    required: true,
    synonyms: ['carrier', 'vervoerder', 'Versanddienstleister', 'Spediteur', 'transporteur'],
  },
  {
    name: 'ipay_flag',
    example: 'true',
    required: false,
    synonyms: [
      'ipay',
      'pay on delivery',
      'betalen bij levering',
      'Zahlung bei Lieferung',
      'paiement à la livraison',
    ],
  },
  {
    name: 'sku',
    example: 'TSHIRT-M-BLUE',
    required: true,
    synonyms: [
      'article number',
      'item code',
      'product code',
      'artikelnummer',
      'artikelcode',
      'Artikelnr',
      'référence article',
      'code article',
    ],
  },
  {
    name: 'item_name',
    example: 'T-shirt blue size M',
    required: true,
    synonyms: [
      'product',
      'product name',
      'item',
      'description',
      'artikel',
      'productnaam',
      'omschrijving',
      'Artikelname',
      'Produkt',
      'Bezeichnung',
      'produit',
      'nom du produit',
      'article',
      'désignation',
    ],
  },
  {
    name: 'quantity',
    example: '2',
    required: true,
    synonyms: ['qty', 'aantal', 'Anzahl', 'Menge', 'quantité', 'qté'],
  },
  {
    name: 'unit_price_minor',
    example: '1999',
    required: true,
    synonyms: [
      'price',
      'unit price',
      'price in cents',
      'prijs',
      'prijs in centen',
      'stukprijs',
      'Preis',
      'Stückpreis',
      'Preis in Cent',
      'prix',
      'prix unitaire',
      'prix en centimes',
    ],
  },
  {
    name: 'shipping_minor',
    example: '495',
    required: false,
    synonyms: [
      'shipping',
      'shipping cost',
      'verzendkosten',
      'Versandkosten',
      'frais de port',
      'frais de livraison',
    ],
  },
  {
    name: 'weight_grams',
    example: '450',
    required: false,
    synonyms: ['weight', 'gewicht', 'Gewicht', 'poids'],
  },
  { name: 'length_mm', example: '300', required: false, synonyms: ['length', 'lengte', 'Länge', 'longueur'] },
  { name: 'width_mm', example: '200', required: false, synonyms: ['width', 'breedte', 'Breite', 'largeur'] },
  { name: 'height_mm', example: '50', required: false, synonyms: ['height', 'hoogte', 'Höhe', 'hauteur'] },
] as const;

export const ORDER_UPLOAD_STATUSES = ['receiving', 'queued', 'processing', 'completed', 'failed'] as const;
export const OrderUploadStatus = z.enum(ORDER_UPLOAD_STATUSES);
export type OrderUploadStatus = z.infer<typeof OrderUploadStatus>;

const FieldName = z.enum(ORDER_CSV_COLUMNS.map((c) => c.name) as [string, ...string[]]);

const FormFlag = z
  .enum(['true', 'false'])
  .optional()
  .transform((value) => value === 'true');

/** The form fields beside `file`; all optional. */
export const UploadOptions = z.object({
  mapping: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return {};
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), FieldName.or(z.literal('')).nullable()))
    .describe('JSON object: file column header → field name (or null to ignore the column)'),
  dry_run: FormFlag.describe('true: validate and preview, write nothing'),
  strict: FormFlag.describe('true: create nothing if any row is invalid'),
});
export type UploadOptions = z.infer<typeof UploadOptions>;

export const MappedColumn = z.object({
  column: z.string().describe("The file's header"),
  field: FieldName.nullable().describe('The field it feeds; null when the column is ignored'),
});

export const RowError = z
  .object({
    row: z.number().int().describe('Line in the file; the header is row 1'),
    column: z
      .string()
      .nullable()
      .describe(
        "The file's columns to blame, comma-separated (every failing column of the row), when there are any",
      ),
    reason: z
      .string()
      .describe(
        "What is wrong with each failing column, ';'-separated; on a row with nothing wrong of its own, the row that made its order fail",
      ),
  })
  .meta({ id: 'OrderUploadRowError' });

export const OrderUpload = z
  .object({
    id: z.uuid(),
    file_name: z.string(),
    format: z.enum(['csv', 'xlsx']),
    size_bytes: z.number().int(),
    strict: z.boolean(),
    status: OrderUploadStatus,
    mapping: z.array(MappedColumn),
    rows_total: z.number().int().describe('Data rows in the file (the header not counted)'),
    rows_processed: z.number().int(),
    progress: z.number().min(0).max(1).describe('rows_processed / rows_total'),
    created_count: z.number().int().describe('Orders created by this upload'),
    existing_count: z
      .number()
      .int()
      .describe('Orders that already existed under the same merchant reference'),
    rejected_count: z.number().int().describe('Rows rejected; download them from rejected_csv_url'),
    error: z.string().nullable().describe('Why a failed upload failed'),
    rejected_csv_url: z.string(),
    created_at: Timestamp,
    updated_at: Timestamp,
    completed_at: Timestamp.nullable(),
  })
  .meta({ id: 'OrderUpload' });
export type OrderUpload = z.infer<typeof OrderUpload>;

export const UploadPreviewRow = z.object({
  row: z.number().int(),
  values: z.record(z.string(), z.string()).describe('Field → cell text'),
});

export const UploadResult = z
  .object({
    dry_run: z.boolean(),
    format: z.enum(['csv', 'xlsx']),
    rows_total: z.number().int(),
    orders_total: z.number().int().describe('Distinct merchant references'),
    mapping: z.array(MappedColumn),
    preview: z.array(UploadPreviewRow).describe('The first rows as mapped (dry run only)'),
    errors: z
      .array(RowError)
      .describe(
        'Every row error found (an upload handed to a job reports them on its rejected rows instead)',
      ),
    upload: OrderUpload.nullable().describe('The recorded upload; null on a dry run'),
  })
  .meta({ id: 'OrderUploadResult' });
export type UploadResult = z.infer<typeof UploadResult>;

export const OrderUploadIdInput = z.object({ id: z.uuid().describe('Upload id') });
