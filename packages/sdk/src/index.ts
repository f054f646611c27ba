export { createIpayClient, type IpayClient, type IpayClientOptions } from './client';
export { IpayApiError } from './errors';
export type { FieldError, Problem } from '@ipay/api/problem';
export { streamEvents, type DomainEvent, type StreamEventsOptions } from './event-stream';
export {
  verifyWebhook,
  IpayWebhookError,
  type IpayWebhook,
  type IpayWebhookEvent,
  type IpayWebhookEventType,
  type VerifiedWebhook,
  type VerifyWebhookOptions,
} from './webhooks';
