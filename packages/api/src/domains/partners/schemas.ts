import { z } from 'zod';
import { PageInput, pageOf } from '../../platform/pagination-schemas';
import { Timestamp } from '../../platform/time';
import { Email } from '../auth/schemas';

/** Written exactly as orders write `carrier_code` (trimmed, upper case), so a partner's codes match its orders. */
export const CarrierCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9_-]{2,32}$/, 'must be a carrier code such as POSTNL or DHL (2 to 32 of A-Z, 0-9, _ and -)')
  .describe('A carrier code as orders carry it in `carrier_code`, e.g. POSTNL; matched in upper case');

export const ServiceCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9_-]{1,32}$/, 'must be a service code such as EXPRESS (1 to 32 of A-Z, 0-9, _ and -)')
  .describe("A carrier's service code, e.g. STANDARD or EXPRESS_SAVER; matched in upper case");

const CarrierCodes = z
  .array(CarrierCode)
  .min(1, 'must name at least one carrier code')
  .max(50)
  .superRefine((codes, ctx) => {
    codes.forEach((code, index) => {
      if (codes.indexOf(code) !== index) {
        ctx.addIssue({ code: 'custom', path: [index], message: `lists ${code} twice` });
      }
    });
  })
  .describe(
    'The carrier codes the partner delivers for: its drivers and dispatchers reach exactly the parcels of orders with one of these `carrier_code`s. A code may belong to several partners (a carrier and its subcontractors).',
  );

const ContactName = z.string().trim().min(1).max(200).describe("The partner's contact person");
const ContactPhone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()-]{6,24}$/, 'must be a phone number, e.g. +31 88 1234567');

export const PartnerContact = z.object({
  name: ContactName,
  email: Email,
  phone: ContactPhone.nullish().describe('Phone number of the contact person'),
});

export const CreatePartnerInput = z.object({
  name: z.string().trim().min(1).max(200).describe('The partner organization’s name, unique among partners'),
  carrierCodes: CarrierCodes,
  contact: PartnerContact,
});
export type CreatePartnerInput = z.infer<typeof CreatePartnerInput>;

export const PartnerIdInput = z.object({ id: z.uuid().describe('Partner (organization) id') });

const PARTNER_CHANGES = ['carrierCodes', 'contact'] as const;
export const UpdatePartnerInput = PartnerIdInput.extend({
  carrierCodes: CarrierCodes.optional().describe('Replaces the whole list of carrier codes'),
  contact: z
    .object({
      name: ContactName.optional(),
      email: Email.optional(),
      phone: ContactPhone.nullable().optional().describe('`null` removes the phone number'),
    })
    .optional()
    .describe('Only the contact fields sent change'),
  // Declared only to refuse it by name: the name is the organization's, fixed at creation.
  name: z
    .never({ error: 'cannot be changed here' })
    .optional()
    .describe('Cannot be changed: sending it is a 400'),
}).refine((input) => PARTNER_CHANGES.some((field) => input[field] !== undefined), {
  message: `names nothing to change: send at least one of ${PARTNER_CHANGES.join(', ')}`,
});
export type UpdatePartnerInput = z.infer<typeof UpdatePartnerInput>;

export const ListPartnersInput = PageInput.extend({
  carrier: CarrierCode.optional().describe('Only partners delivering for this carrier code'),
  q: z.string().trim().min(1).max(200).optional().describe('Part of the name, in any case'),
});
export type ListPartnersInput = z.infer<typeof ListPartnersInput>;

export const Partner = z
  .object({
    id: z.uuid().describe('The partner organization’s id'),
    name: z.string(),
    carrierCodes: z.array(z.string()).describe('In alphabetical order'),
    contact: z.object({ name: z.string(), email: z.string(), phone: z.string().nullable() }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Partner' });
export type Partner = z.infer<typeof Partner>;
export const PartnerPage = pageOf(Partner);
