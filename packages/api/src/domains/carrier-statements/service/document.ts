import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { renderDocumentPdf, type DocumentInput, type PdfRenderer } from '../../../platform/pdf';
import type { StatementLine } from '../schemas';
import { billingContactOf, revisionLines, type StatementRow } from './statements';

/** Who issues the statements (configuration: `STATEMENT_ISSUER`), and where the carrier writes back. */
export interface StatementIssuer {
  name: string;
  lines: string[];
  email?: string;
}

/** Days the carrier is asked to credit within, printed as the due date. */
const CREDIT_TERM_DAYS = 30;

const CAUSE_WORDS: Record<string, string> = {
  DUPLICATE_ON_INVOICE: 'Billed twice',
  UNMATCHED_IN_DB: 'Not shipped by IPAY',
};

function causeOf(line: StatementLine): string {
  if (line.causes.length > 0) {
    const causes = line.causes.join(', ');
    return causes.charAt(0).toUpperCase() + causes.slice(1);
  }
  return CAUSE_WORDS[line.status] ?? 'Price';
}

const addDays = (isoDate: string, days: number) =>
  new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The statement's invoice numbers, as many as fit one reference line. */
function invoiceList(lines: StatementLine[]): string {
  const numbers = [...new Set(lines.map((line) => line.invoiceNumber))];
  const shown = numbers.slice(0, 4).join(', ');
  return numbers.length > 4 ? `${shown} (+${numbers.length - 4})` : shown || '—';
}

/** One revision of a credit statement as the platform's business document. */
export function statementDocument(input: {
  statement: Pick<StatementRow, 'number' | 'carrier_code' | 'currency'>;
  revision: number;
  issuedOn: string;
  lines: StatementLine[];
  issuer: StatementIssuer;
  carrier: { name: string; attention: string | null; addressLines: string[]; email: string | null };
  fileName: string;
}): DocumentInput {
  const { statement, lines } = input;
  const money = (amountMinor: number) => ({ amountMinor, currency: statement.currency });
  const sum = (pick: (line: StatementLine) => number) =>
    money(lines.reduce((total, line) => total + pick(line), 0));
  const shipDates = lines.flatMap((line) => (line.shipDate ? [line.shipDate] : [])).sort();
  const [from, to] = [shipDates[0], shipDates.at(-1)];
  return {
    language: 'en',
    title: 'Credit statement',
    number: `${statement.number} rev. ${input.revision}`,
    issuedOn: input.issuedOn,
    dueOn: addDays(input.issuedOn, CREDIT_TERM_DAYS),
    ...(from && to ? { period: { from, to } } : {}),
    references: [
      { label: 'Carrier', value: statement.carrier_code },
      { label: 'Invoices', value: invoiceList(lines) },
      { label: 'Invoice file', value: input.fileName.slice(0, 200) },
      { label: 'Lines claimed', value: String(lines.length) },
    ],
    from: {
      name: input.issuer.name,
      lines: input.issuer.lines,
      ...(input.issuer.email ? { email: input.issuer.email } : {}),
    },
    to: {
      name: input.carrier.name,
      lines: [
        ...(input.carrier.attention ? [input.carrier.attention] : []),
        ...input.carrier.addressLines,
      ].slice(0, 6),
      ...(input.carrier.email ? { email: input.carrier.email } : {}),
    },
    columns: [
      { key: 'tracking', label: 'Tracking number' },
      { key: 'invoice', label: 'Invoice' },
      { key: 'shipped', label: 'Shipped', kind: 'date' },
      { key: 'cause', label: 'Cause' },
      { key: 'reason', label: 'Reason' },
      { key: 'expected', label: 'Expected', kind: 'money' },
      { key: 'billed', label: 'Billed', kind: 'money' },
      { key: 'claimed', label: 'Claimed', kind: 'money' },
    ],
    rows: lines.map((line) => ({
      tracking: line.trackingNumber ?? '—',
      invoice: line.invoiceNumber,
      shipped: line.shipDate,
      cause: causeOf(line),
      reason: line.reason,
      expected: line.expectedMinor === null ? null : money(line.expectedMinor),
      billed: money(line.billedMinor),
      claimed: money(line.claimedMinor),
    })),
    totals: [
      { label: 'Billed', amount: sum((line) => line.billedMinor) },
      { label: 'Expected', amount: sum((line) => line.expectedMinor ?? 0) },
      { label: 'Total claimed', amount: sum((line) => line.claimedMinor) },
    ],
    notes: [
      `Please credit the total claimed within ${CREDIT_TERM_DAYS} days with a credit note quoting ${statement.number}.`,
      'Expected amounts are what the contracted tariff in force on the ship date gives for the parcel; a line with no expected amount is claimed in full.',
    ],
  };
}

export interface RenderedRevision {
  revision: number;
  pdf: Buffer;
  sha256: string;
}

/**
 * The PDF of one revision, rendered the first time it is asked for and kept with its SHA-256: a revision never
 * changes, so neither does its PDF. Renders outside any transaction (the browser is slow beside a row lock);
 * when two callers race, the first stored copy wins and both answer with it.
 */
export async function revisionPdf(
  db: DbExecutor,
  context: { pdf: PdfRenderer; issuer: StatementIssuer },
  statement: StatementRow,
  revision: number,
): Promise<RenderedRevision> {
  const stored = await db
    .selectFrom('carrier_statement_revisions')
    .select([
      'pdf',
      'pdf_sha256',
      sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD')`.as('issued_on'),
    ])
    .where('statement_id', '=', statement.id)
    .where('revision', '=', revision)
    .executeTakeFirstOrThrow();
  if (stored.pdf && stored.pdf_sha256) return { revision, pdf: stored.pdf, sha256: stored.pdf_sha256 };

  const [lines, contact, upload] = await Promise.all([
    revisionLines(db, statement.id, revision),
    billingContactOf(db, statement.carrier_code),
    db
      .selectFrom('carrier_invoice_imports')
      .select('file_name')
      .where('id', '=', statement.import_id)
      .executeTakeFirst(),
  ]);
  const pdf = await renderDocumentPdf(
    context.pdf,
    statementDocument({
      statement,
      revision,
      issuedOn: stored.issued_on,
      lines,
      issuer: context.issuer,
      carrier: {
        name: contact.carrierName,
        attention: contact.name,
        addressLines: contact.addressLines,
        email: contact.email,
      },
      fileName: upload?.file_name ?? '—',
    }),
  );
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  await db
    .updateTable('carrier_statement_revisions')
    .set({ pdf, pdf_sha256: sha256, rendered_at: sql<Date>`now()` })
    .where('statement_id', '=', statement.id)
    .where('revision', '=', revision)
    .where('pdf', 'is', null)
    .execute();
  const kept = await db
    .selectFrom('carrier_statement_revisions')
    .select(['pdf', 'pdf_sha256'])
    .where('statement_id', '=', statement.id)
    .where('revision', '=', revision)
    .executeTakeFirstOrThrow();
  return { revision, pdf: kept.pdf ?? pdf, sha256: kept.pdf_sha256 ?? sha256 };
}

export const statementFileName = (statement: Pick<StatementRow, 'number'>, revision: number) =>
  `${statement.number}-rev${revision}.pdf`;
