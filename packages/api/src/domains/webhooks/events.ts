import { z } from 'zod';
import type { EventDefinitions } from '../../platform/event-definitions';

const EndpointChange = z.object({ endpointId: z.string(), url: z.string() });

/** Webhook endpoint events. Schemas only (zod): the SDK and browser code import them. */
export const WEBHOOK_EVENTS = {
  'webhook.endpoint_disabled': {
    description: 'An endpoint was disabled, after 3 days of failed deliveries or by a user',
    subscribable: true,
    payload: EndpointChange.extend({ reason: z.string() }),
  },
  'webhook.test': {
    description: 'Sent on request to one endpoint (never to subscribers of every type)',
    subscribable: true,
    payload: z.object({ endpointId: z.string(), message: z.string() }),
  },
  // Audit only: not in the webhook contract, so no endpoint receives them.
  'webhook.endpoint_created': {
    description: 'An endpoint was created',
    subscribable: false,
    payload: EndpointChange.extend({ eventTypes: z.array(z.string()) }),
  },
  'webhook.endpoint_updated': {
    description: 'An endpoint was changed',
    subscribable: false,
    payload: EndpointChange.extend({ eventTypes: z.array(z.string()), status: z.string() }),
  },
  'webhook.endpoint_deleted': {
    description: 'An endpoint was deleted',
    subscribable: false,
    payload: EndpointChange,
  },
  'webhook.secret_rotated': {
    description: "An endpoint's signing secret was rotated",
    subscribable: false,
    payload: EndpointChange,
  },
} satisfies EventDefinitions;
