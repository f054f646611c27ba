import { sql } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { fetchPage, type Page } from '../../../platform/pagination';
import { sealSecret } from '../../../platform/secret-box';
import type { EventPayload } from '../../events/catalogue';
import { recordDomainEvent, type NewDomainEvent } from '../../events/service';
import {
  endpointNotFound,
  endpointRowToEndpoint,
  lockVisibleEndpoint,
  visibleEndpoints,
  type EndpointRow,
  type ScopedRequest,
} from '../repository';
import {
  OPERATOR_ONLY_EVENT_TYPES,
  type CreateEndpointInput,
  type DeletedEndpoint,
  type ListEndpointsInput,
  type UpdateEndpointInput,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
} from '../schemas';
import { previousSecretExpiry } from '../secret-rotation';
import { generateSigningSecret } from '../signing';
import { disableEndpoint } from './disable';
import { checkEndpointUrl, type WebhookSettings } from './settings';

async function owningOrganization(
  db: DbExecutor,
  request: ScopedRequest & { input: CreateEndpointInput },
): Promise<string> {
  const { actor, scope, input } = request;
  if (scope === 'own') {
    throw new AppError(
      'forbidden',
      'Creating webhook endpoints requires events:create on your organization.',
    );
  }
  if (!input.organizationId || input.organizationId === actor.organizationId) return actor.organizationId;
  if (scope !== 'all') {
    throw new AppError('forbidden', 'You can only create webhook endpoints for your own organization.', {
      errors: [{ field: 'organizationId', message: 'must be your own organization', code: 'out_of_scope' }],
    });
  }
  const exists = await db
    .selectFrom('organizations')
    .select('id')
    .where('id', '=', input.organizationId)
    .executeTakeFirst();
  if (!exists) throw AppError.validation('organizationId', 'no organization has this id', 'not_found');
  return input.organizationId;
}

type EndpointChangeType =
  | 'webhook.endpoint_created'
  | 'webhook.endpoint_updated'
  | 'webhook.endpoint_deleted'
  | 'webhook.secret_rotated';

function recordEndpointChange<T extends EndpointChangeType>(
  trx: DbTransaction,
  request: ScopedRequest,
  row: EndpointRow,
  type: T,
  data: Omit<EventPayload<T>, 'endpointId' | 'url'>,
) {
  // Audit only: these types are not in the webhook contract, so no endpoint receives them.
  const event = {
    type,
    resourceType: 'webhook_endpoint',
    resourceId: row.id,
    organizationId: row.organization_id,
    actorUserId: request.actor.userId,
    data: { endpointId: row.id, url: row.url, ...data },
  };
  // The compiler cannot join the two halves of a generic payload; the parameters hold callers to it and
  // recordDomainEvent checks the result at run time.
  return recordDomainEvent(trx, event as NewDomainEvent<T>);
}

/** Operators-only types (`invoice.mismatch`) on a merchant's (or partner's) endpoint: a 400 naming the field. */
async function assertOperatorTypesAllowed(
  db: DbExecutor,
  organizationId: string,
  eventTypes: readonly string[] | undefined,
): Promise<void> {
  const operatorOnly = (eventTypes ?? []).filter((type) => OPERATOR_ONLY_EVENT_TYPES.includes(type));
  if (!operatorOnly.length) return;
  const organization = await db
    .selectFrom('organizations')
    .select('type')
    .where('id', '=', organizationId)
    .executeTakeFirst();
  if (organization?.type === 'operator') return;
  throw AppError.validation(
    'eventTypes',
    `${operatorOnly.join(', ')} is for operator organizations' endpoints only`,
    'operator_only',
  );
}

/** Creates an endpoint with a new signing secret, stored sealed and returned in this response only. */
export async function createEndpoint(
  trx: DbTransaction,
  request: ScopedRequest & { input: CreateEndpointInput; settings: WebhookSettings },
): Promise<WebhookEndpointWithSecret> {
  const { input, settings } = request;
  const organizationId = await owningOrganization(trx, request);
  await assertOperatorTypesAllowed(trx, organizationId, input.eventTypes);
  await checkEndpointUrl(input.url, settings);
  const secret = generateSigningSecret();
  const row = await trx
    .insertInto('webhook_endpoints')
    .values({
      organization_id: organizationId,
      url: input.url,
      description: input.description,
      event_types: input.eventTypes,
      secret_encrypted: sealSecret(settings.encryptionKey, secret),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEndpointChange(trx, request, row, 'webhook.endpoint_created', { eventTypes: input.eventTypes });
  return { ...endpointRowToEndpoint(row), secret };
}

export async function listEndpoints(
  db: DbExecutor,
  request: ScopedRequest & { input: ListEndpointsInput },
): Promise<Page<WebhookEndpoint>> {
  let query = db.selectFrom('webhook_endpoints').selectAll().where(visibleEndpoints(request));
  if (request.input.status) query = query.where('status', '=', request.input.status);
  const page = await fetchPage(query, request.input, {
    orderBy: ['webhook_endpoints.created_at', 'webhook_endpoints.id'],
  });
  return { ...page, items: page.items.map(endpointRowToEndpoint) };
}

export async function getEndpoint(
  db: DbExecutor,
  request: ScopedRequest & { id: string },
): Promise<WebhookEndpoint> {
  const row = await db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('id', '=', request.id)
    .where(visibleEndpoints(request))
    .executeTakeFirst();
  if (!row) throw endpointNotFound(request.id);
  return endpointRowToEndpoint(row);
}

/**
 * Changes URL, description or event types, and pauses or re-enables the endpoint. Re-enabling forgets the
 * failures that disabled it; deliveries failed meanwhile can be redelivered.
 */
export async function updateEndpoint(
  trx: DbTransaction,
  request: ScopedRequest & { input: UpdateEndpointInput; settings: WebhookSettings },
): Promise<WebhookEndpoint> {
  const { input } = request;
  const before = await lockVisibleEndpoint(trx, request, input.id);
  await assertOperatorTypesAllowed(trx, before.organization_id, input.eventTypes);
  if (input.url !== undefined && input.url !== before.url)
    await checkEndpointUrl(input.url, request.settings);
  if (input.status === 'disabled') {
    await disableEndpoint(trx, {
      endpointId: before.id,
      reason: 'Disabled by a user.',
      actorUserId: request.actor.userId,
      notifyAdmins: false,
    });
  }
  const reenable = input.status === 'active' && before.status === 'disabled';
  const updated = await trx
    .updateTable('webhook_endpoints')
    .set({
      url: input.url ?? before.url,
      description: input.description ?? before.description,
      event_types: input.eventTypes ?? before.event_types,
      ...(reenable ? { status: 'active', disabled_reason: null, failing_since: null } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEndpointChange(trx, request, updated, 'webhook.endpoint_updated', {
    eventTypes: updated.event_types,
    status: updated.status,
  });
  return endpointRowToEndpoint(updated);
}

/** Deletes the endpoint with its deliveries and their attempts; pending deliveries are dropped. */
export async function deleteEndpoint(
  trx: DbTransaction,
  request: ScopedRequest & { id: string },
): Promise<DeletedEndpoint> {
  const row = await lockVisibleEndpoint(trx, request, request.id);
  await trx.deleteFrom('webhook_endpoints').where('id', '=', row.id).execute();
  await recordEndpointChange(trx, request, row, 'webhook.endpoint_deleted', {});
  return { id: row.id, deleted: true };
}

/**
 * Issues a new signing secret, returned in this response only. The previous one keeps signing beside it
 * for 24 hours (a second signature in `webhook-signature`), so receivers can switch without a gap; a second
 * rotation within that time drops the oldest secret at once.
 */
export async function rotateEndpointSecret(
  trx: DbTransaction,
  request: ScopedRequest & { id: string; settings: WebhookSettings },
): Promise<WebhookEndpointWithSecret> {
  const before = await lockVisibleEndpoint(trx, request, request.id);
  const secret = generateSigningSecret();
  const row = await trx
    .updateTable('webhook_endpoints')
    .set({
      secret_encrypted: sealSecret(request.settings.encryptionKey, secret),
      previous_secret_encrypted: before.secret_encrypted,
      previous_secret_expires_at: previousSecretExpiry(),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEndpointChange(trx, request, row, 'webhook.secret_rotated', {});
  return { ...endpointRowToEndpoint(row), secret };
}
