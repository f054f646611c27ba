import { z } from 'zod';
import type { EventDefinitions } from '../../platform/event-definitions';

const UploadProgress = z.object({
  uploadId: z.string(),
  status: z.string().describe("The upload's status when the event was recorded"),
  rowsTotal: z.number().int(),
  rowsProcessed: z.number().int(),
  progress: z.number().describe('rowsProcessed / rowsTotal, 0 to 1 (1 for an empty file)'),
  created: z.number().int(),
  existing: z.number().int(),
  rejected: z.number().int(),
});

/** Order and order-upload events. Schemas only (zod): the SDK and browser code import them. */
export const ORDER_EVENTS = {
  'order.created': {
    description: 'An order was created (by the API, an upload or a shop integration)',
    subscribable: true,
    payload: z.object({
      orderId: z.string(),
      merchantReference: z.string(),
      totalMinor: z.number().int(),
      currency: z.string(),
      carrierCode: z.string(),
      ipayFlag: z.boolean(),
    }),
  },
  'order.updated': {
    description: "An order's content was revised",
    subscribable: true,
    payload: z.object({
      orderId: z.string(),
      merchantReference: z.string(),
      changed: z.array(z.string()).describe('The parts of the order that changed'),
      totalMinor: z.number().int(),
      currency: z.string(),
    }),
  },
  'order.cancelled': {
    description: 'An order was cancelled before it was paid',
    subscribable: true,
    payload: z.object({
      orderId: z.string(),
      merchantReference: z.string(),
      reason: z.string().nullable(),
    }),
  },
  'order.shipment_updated': {
    description:
      "An order's shipment facts (tracking numbers, ship date, declared weight and dimensions of each piece) were set or replaced",
    subscribable: true,
    payload: z.object({
      orderId: z.string(),
      merchantReference: z.string(),
      carrierCode: z.string(),
      trackingNumbers: z.array(z.string()).describe('One per piece, in piece order; empty when cleared'),
      source: z.enum(['merchant', 'operator', 'carrier', 'shop']),
    }),
  },
  'order_upload.progress': {
    description: 'A batch of an order upload was imported',
    subscribable: false,
    payload: UploadProgress,
  },
  'order_upload.completed': {
    description: 'An order upload finished importing',
    subscribable: false,
    payload: UploadProgress,
  },
  'order_upload.failed': {
    description: 'An order upload failed',
    subscribable: false,
    payload: UploadProgress.extend({ error: z.string().nullable() }),
  },
} satisfies EventDefinitions;
