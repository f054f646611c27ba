import { sql } from 'kysely';
import type { DbTransaction } from '@ipay/db';
import { recordDomainEvent } from '../../events/service';
import { queueEmail } from '../../notifications/service';
import { findUsersWithPermission } from '../../rbac/service';

function disabledEmailText(endpoint: { id: string; url: string }, reason: string): string {
  return [
    `Your IPAY webhook endpoint ${endpoint.url} (${endpoint.id}) has been disabled.`,
    '',
    `Why: ${reason}`,
    '',
    'Events are no longer sent to it. Once the receiver answers 2xx again, re-enable the endpoint with',
    `PATCH /api/webhook-endpoints/${endpoint.id} {"status":"active"} and redeliver what it missed with`,
    'POST /api/webhook-deliveries/{id}/redeliver (see GET /api/webhook-endpoints/{id}/deliveries?status=failed).',
  ].join('\n');
}

/**
 * Disables an active endpoint: its pending deliveries fail (they can be redelivered after re-enabling),
 * a `webhook.endpoint_disabled` event is recorded, and, when the platform disabled it, everyone who can
 * re-enable it gets an e-mail. Does nothing to an endpoint that is already disabled.
 */
export async function disableEndpoint(
  trx: DbTransaction,
  request: { endpointId: string; reason: string; actorUserId: string | null; notifyAdmins: boolean },
): Promise<boolean> {
  const endpoint = await trx
    .updateTable('webhook_endpoints')
    .set({ status: 'disabled', disabled_reason: request.reason, updated_at: sql<Date>`now()` })
    .where('id', '=', request.endpointId)
    .where('status', '=', 'active')
    .returning(['id', 'organization_id', 'url'])
    .executeTakeFirst();
  if (!endpoint) return false;

  await trx
    .updateTable('webhook_deliveries')
    .set({
      status: 'failed',
      next_attempt_at: null,
      last_error: `Endpoint disabled: ${request.reason}`,
      updated_at: sql<Date>`now()`,
    })
    .where('endpoint_id', '=', endpoint.id)
    .where('status', '=', 'pending')
    .execute();

  await recordDomainEvent(trx, {
    type: 'webhook.endpoint_disabled',
    resourceType: 'webhook_endpoint',
    resourceId: endpoint.id,
    organizationId: endpoint.organization_id,
    actorUserId: request.actorUserId,
    data: { endpointId: endpoint.id, url: endpoint.url, reason: request.reason },
  });

  if (!request.notifyAdmins) return true;
  const admins = await findUsersWithPermission(trx, {
    organizationId: endpoint.organization_id,
    resource: 'events',
    action: 'update',
  });
  for (const admin of admins) {
    await queueEmail(trx, {
      to: admin.email,
      subject: 'IPAY: your webhook endpoint was disabled',
      text: disabledEmailText(endpoint, request.reason),
    });
  }
  return true;
}
