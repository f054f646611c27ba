import { scheduleWebhookDeliveries } from '../webhooks/service/deliveries';
import type { DomainEventConsumer } from './service';

/** What the `events.dispatch` job hands every committed event to. */
export const DOMAIN_EVENT_CONSUMERS: readonly DomainEventConsumer[] = [scheduleWebhookDeliveries];
