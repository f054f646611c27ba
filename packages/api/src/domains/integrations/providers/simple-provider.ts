import { z } from 'zod';
import { toCreateOrderInput, type PlainOrder } from './order-shape';
import {
  defineProvider,
  type ProviderDefinition,
  type SetupInfo,
  type WebhookSignatureScheme,
} from './types';

interface SimulateOnlyProvider<S extends z.ZodType> {
  id: string;
  displayName: string;
  credentials: z.ZodType<Record<string, unknown>>;
  setup: SetupInfo;
  webhookSignature?: WebhookSignatureScheme;
  /** The platform's order JSON, only the fields the mapping reads. */
  shape: S;
  toPlain(order: z.infer<S>): PlainOrder & { id: string; status: string; cancelled: boolean };
  sample(seed: string): z.input<S>;
}

/** A provider without a live client yet: its orders arrive through `simulate` in the platform's own shape. */
export function simulateOnlyProvider<S extends z.ZodType>(spec: SimulateOnlyProvider<S>): ProviderDefinition {
  return defineProvider({
    id: spec.id,
    displayName: spec.displayName,
    credentials: spec.credentials,
    setup: spec.setup,
    webhookSignature: spec.webhookSignature ?? 'none',
    mapOrder(raw) {
      const plain = spec.toPlain(spec.shape.parse(raw));
      return {
        platformOrderId: plain.id,
        platformStatus: plain.status,
        cancelled: plain.cancelled,
        order: toCreateOrderInput(spec.id, plain),
      };
    },
    sampleOrder: (seed) => spec.sample(seed),
  });
}

export const Money = z.union([z.string(), z.number()]);
export const apiKeyCredentials = (description: string) =>
  z.object({ api_key: z.string().trim().min(8).describe(description) });
export const clientCredentials = (what: string) =>
  z.object({
    client_id: z.string().trim().min(4).describe(`${what} client id`),
    client_secret: z.string().trim().min(8).describe(`${what} client secret`),
  });
