import { deliverDueWebhooks, endpointOfDelivery } from '../service/deliver';
import type { TaskContext, TaskHandler } from '../../../jobs/task';

async function deliverEndpoint(endpointId: string, { db, config, encryptionKey, logger }: TaskContext) {
  const outcomes = await deliverDueWebhooks(db, {
    endpointId,
    settings: { encryptionKey, allowPrivateUrls: config.webhooks.allowPrivateUrls },
  });
  const counts = new Map<string, number>();
  for (const outcome of outcomes.values()) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  logger.info(`webhook endpoint ${endpointId}: ${JSON.stringify(Object.fromEntries(counts))}`);
}

/**
 * Sends an endpoint's due deliveries. A failed attempt is retried by a later run of `webhooks.deliver` for that
 * delivery; the job queue's own retry only covers a handler that crashed (at-least-once).
 */
export const webhooksDeliverEndpoint: TaskHandler<'webhooks.deliver-endpoint'> = async (
  { endpointId },
  context,
) => deliverEndpoint(endpointId, context);

/** A delivery's retry, redelivery or test event: sends it, with whatever else of its endpoint is due. */
export const webhooksDeliver: TaskHandler<'webhooks.deliver'> = async ({ deliveryId }, context) => {
  const endpointId = await endpointOfDelivery(context.db, deliveryId);
  // Deleted with its endpoint meanwhile.
  if (endpointId) await deliverEndpoint(endpointId, context);
};
