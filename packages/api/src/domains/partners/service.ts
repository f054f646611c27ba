import { sql } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';
import { AppError } from '../../errors/app-error';
import { domainError } from '../../errors/domain-codes';
import { scopeFilter } from '../../platform/data-scope';
import { fetchPage, type Page } from '../../platform/pagination';
import { toTimestamp } from '../../platform/time';
import { createOrganization, type Actor } from '../auth/service';
import { recordDomainEvent } from '../events/service';
import type { DataScope } from '../rbac/catalogue';
import { PARTNER_ERRORS } from './errors';
import { findCarrierCodes, replaceCarrierCodes, selectPartners, type PartnerRow } from './repository';
import type { CreatePartnerInput, ListPartnersInput, Partner, UpdatePartnerInput } from './schemas';

export interface ScopedRequest {
  actor: Actor;
  scope: DataScope;
}

function partnerRowToPartner(row: PartnerRow, carrierCodes: string[]): Partner {
  return {
    id: row.id,
    name: row.name,
    carrierCodes,
    contact: { name: row.contact_name, email: row.contact_email, phone: row.contact_phone },
    createdAt: toTimestamp(row.created_at),
    updatedAt: toTimestamp(row.updated_at),
  };
}

/** Creating partners and changing their carrier codes is the operator's job: the codes decide what drivers reach. */
function assertOperator(scope: DataScope, what: string): void {
  if (scope !== 'all') {
    throw new AppError(
      'forbidden',
      `${what} is done by IPAY operators (organizations on all organizations).`,
    );
  }
}

function visible(request: ScopedRequest) {
  return scopeFilter(request.scope, request.actor, { organization: 'partners.organization_id' });
}

function isPartnerNameTaken(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'organizations_partner_name_idx';
}

/**
 * Creates a partner organization (through auth's `createOrganization`, the one way organizations come to
 * exist) with its carrier codes and contact. Its users are invited through the members API; none is made here.
 */
export async function createPartner(
  trx: DbTransaction,
  request: ScopedRequest & { input: CreatePartnerInput },
): Promise<Partner> {
  assertOperator(request.scope, 'Creating a partner');
  return insertPartner(trx, request.input, request.actor.userId);
}

/** The partner rows and `partner.created`, for an operator's request (or a test's factory). */
export async function insertPartner(
  trx: DbTransaction,
  input: CreatePartnerInput,
  createdBy: string | null,
): Promise<Partner> {
  const organization = await createOrganization(trx, { name: input.name, type: 'partner' }).catch(
    (error: unknown) => {
      if (!isPartnerNameTaken(error)) throw error;
      throw domainError(
        PARTNER_ERRORS,
        'partner_name_taken',
        `A partner named ${input.name} exists already.`,
        {
          errors: [{ field: 'name', message: 'is the name of another partner', code: 'already_exists' }],
        },
      );
    },
  );
  await trx
    .insertInto('partners')
    .values({
      organization_id: organization.id,
      contact_name: input.contact.name,
      contact_email: input.contact.email,
      contact_phone: input.contact.phone ?? null,
    })
    .execute();
  await replaceCarrierCodes(trx, organization.id, input.carrierCodes);
  const codes = await findCarrierCodes(trx, [organization.id]);
  await recordDomainEvent(trx, {
    type: 'partner.created',
    resourceType: 'organization',
    resourceId: organization.id,
    organizationId: organization.id,
    actorUserId: createdBy,
    data: {
      partnerId: organization.id,
      name: organization.name,
      carrierCodes: codes.get(organization.id) ?? [],
    },
  });
  const row = await selectPartners(trx)
    .where('partners.organization_id', '=', organization.id)
    .executeTakeFirstOrThrow();
  return partnerRowToPartner(row, codes.get(organization.id) ?? []);
}

/** Partners by name: operators see every partner, a partner's own users their partner. */
export async function listPartners(
  db: DbExecutor,
  request: ScopedRequest & { input: ListPartnersInput },
): Promise<Page<Partner>> {
  const { input } = request;
  let query = selectPartners(db).where(visible(request));
  if (input.carrier) {
    const carrier = input.carrier;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('partner_carrier_codes')
          .select(sql`1`.as('one'))
          .whereRef('partner_carrier_codes.organization_id', '=', 'partners.organization_id')
          .where('partner_carrier_codes.carrier_code', '=', carrier),
      ),
    );
  }
  if (input.q) {
    // The search text is literal: `%`, `_` and `\` match only themselves.
    const pattern = `%${input.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where('organizations.name', 'ilike', pattern);
  }
  const page = await fetchPage(query, input, { orderBy: ['organizations.name', 'partners.organization_id'] });
  const codes = await findCarrierCodes(
    db,
    page.items.map((row) => row.id),
  );
  return { ...page, items: page.items.map((row) => partnerRowToPartner(row, codes.get(row.id) ?? [])) };
}

/** One partner; outside the caller's scope it is a 404, as if it did not exist. */
export async function getPartner(db: DbExecutor, request: ScopedRequest & { id: string }): Promise<Partner> {
  const row = await selectPartners(db)
    .where('partners.organization_id', '=', request.id)
    .where(visible(request))
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `Partner ${request.id} does not exist.`);
  const codes = await findCarrierCodes(db, [row.id]);
  return partnerRowToPartner(row, codes.get(row.id) ?? []);
}

/** Changes a partner's carrier codes (the whole list) or contact; the change reaches its drivers at once. */
export async function updatePartner(
  trx: DbTransaction,
  request: ScopedRequest & { input: UpdatePartnerInput },
): Promise<Partner> {
  const { input } = request;
  const locked = await trx
    .selectFrom('partners')
    .select('organization_id')
    .where('organization_id', '=', input.id)
    .where(visible(request))
    .forUpdate()
    .executeTakeFirst();
  if (!locked) throw new AppError('not_found', `Partner ${input.id} does not exist.`);
  assertOperator(request.scope, "Changing a partner's carrier codes or contact");
  const current = await getPartner(trx, { ...request, id: input.id });

  const changed: string[] = [];
  const contact = input.contact ?? {};
  if (contact.name !== undefined && contact.name !== current.contact.name) changed.push('contact.name');
  if (contact.email !== undefined && contact.email !== current.contact.email) changed.push('contact.email');
  if (contact.phone !== undefined && contact.phone !== current.contact.phone) changed.push('contact.phone');
  const codes = input.carrierCodes ?? current.carrierCodes;
  const sameCodes =
    codes.length === current.carrierCodes.length &&
    codes.every((code) => current.carrierCodes.includes(code));
  if (!sameCodes) changed.push('carrierCodes');
  if (!changed.length) return current;

  await trx
    .updateTable('partners')
    .set({
      ...(contact.name !== undefined ? { contact_name: contact.name } : {}),
      ...(contact.email !== undefined ? { contact_email: contact.email } : {}),
      ...(contact.phone !== undefined ? { contact_phone: contact.phone } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('organization_id', '=', input.id)
    .execute();
  if (changed.includes('carrierCodes')) await replaceCarrierCodes(trx, input.id, codes);
  await recordDomainEvent(trx, {
    type: 'partner.updated',
    resourceType: 'organization',
    resourceId: input.id,
    organizationId: input.id,
    actorUserId: request.actor.userId,
    data: { partnerId: input.id, changed, carrierCodes: [...codes].sort() },
  });
  return getPartner(trx, { ...request, id: input.id });
}

/** The partner organization a user acts for (drivers, dispatchers, partner admins); null for anyone else. */
export async function actingPartner(
  db: DbExecutor,
  actor: Pick<Actor, 'organizationId' | 'organizationType'>,
): Promise<{ id: string; name: string } | null> {
  if (actor.organizationType !== 'partner') return null;
  const row = await db
    .selectFrom('organizations')
    .select(['id', 'name'])
    .where('id', '=', actor.organizationId)
    .executeTakeFirst();
  return row ?? null;
}
