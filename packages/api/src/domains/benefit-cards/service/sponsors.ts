import type { DbExecutor, DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { scopeFilter } from '../../../platform/data-scope';
import { fetchPage, type Page } from '../../../platform/pagination';
import { toTimestamp } from '../../../platform/time';
import { createOrganization } from '../../auth/service';
import type { ListSponsorsInput, Sponsor } from '../schemas';
import { assertOperator, type ScopedRequest } from './context';

function sponsorRowToSponsor(row: { id: string; name: string; created_at: Date }): Sponsor {
  return { id: row.id, name: row.name, createdAt: toTimestamp(row.created_at) };
}

export async function createSponsor(
  trx: DbTransaction,
  request: ScopedRequest & { input: { name: string } },
): Promise<Sponsor> {
  assertOperator(request.scope, 'Creating a sponsor');
  return sponsorRowToSponsor(await createOrganization(trx, { name: request.input.name, type: 'sponsor' }));
}

/** Every sponsor, by name; `q` matches part of the name in any case. Operators only. */
export async function listSponsors(
  db: DbExecutor,
  request: ScopedRequest & { input: ListSponsorsInput },
): Promise<Page<Sponsor>> {
  assertOperator(request.scope, 'Listing sponsors');
  const { input } = request;
  let query = db
    .selectFrom('organizations')
    .select(['organizations.id', 'organizations.name', 'organizations.created_at'])
    .where('organizations.type', '=', 'sponsor');
  if (input.q) {
    // The search text is literal: `%`, `_` and `\` match only themselves.
    const pattern = `%${input.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where('organizations.name', 'ilike', pattern);
  }
  const page = await fetchPage(query, input, {
    orderBy: ['organizations.name', 'organizations.id'],
  });
  return { ...page, items: page.items.map(sponsorRowToSponsor) };
}

/** One sponsor: operators see any, a sponsor's own users theirs; anything else is a 404, never a 403. */
export async function getSponsor(
  db: DbExecutor,
  request: ScopedRequest & { organizationId: string },
): Promise<Sponsor> {
  const row = await db
    .selectFrom('organizations')
    .select(['organizations.id', 'organizations.name', 'organizations.created_at'])
    .where('organizations.id', '=', request.organizationId)
    .where('organizations.type', '=', 'sponsor')
    .where(scopeFilter(request.scope, request.actor, { organization: 'organizations.id' }))
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `Sponsor ${request.organizationId} does not exist.`);
  return sponsorRowToSponsor(row);
}
