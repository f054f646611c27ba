import { pointsOnSessionEvents } from '../points/service/earning';
import { scheduleWebhookDeliveries } from '../webhooks/service/deliveries';
import { settleSessionWalletHolds } from '../wallet/service/session-events';
import type { DomainEventConsumer } from './service';

/** What the relay (relay.ts, run by the worker) hands every batch of committed events to, in stream order. */
export const DOMAIN_EVENT_CONSUMERS: readonly DomainEventConsumer[] = [
  scheduleWebhookDeliveries,
  pointsOnSessionEvents,
  settleSessionWalletHolds,
];
