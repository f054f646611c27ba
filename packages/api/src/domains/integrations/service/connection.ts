import type { DbExecutor } from '@ipay/db';
import { sql } from 'kysely';
import { z } from 'zod';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { INTEGRATION_ERRORS } from '../errors';
import { fieldErrorsFromIssues } from '../../../errors/problem';
import { openSecret, sealSecret } from '../../../platform/secret-box';
import { toTimestamp } from '../../../platform/time';
import type { Actor } from '../../auth/service';
import { UrlRefusedError } from '../../webhooks/service/outbound';
import { capabilitiesOf, getProvider, PROVIDERS } from '../registry';
import type { ProviderDefinition } from '../providers/types';
import type { IntegrationState } from '../schemas';
import { ShopApiError, type ShopApiSettings } from '../shop-api';
import { merchantIdOf } from './merchant';

const integrationColumns = [
  'id',
  'merchant_id',
  'provider',
  'status',
  'credentials_sealed',
  'connected_by',
  'connected_at',
  'last_error',
  'last_sync_at',
  'failure_count',
  'next_sync_after',
] as const;

export function selectIntegrations(db: DbExecutor) {
  return db.selectFrom('integrations').select(integrationColumns);
}
export type IntegrationRow = Awaited<
  ReturnType<ReturnType<typeof selectIntegrations>['executeTakeFirstOrThrow']>
>;

function toState(provider: ProviderDefinition, row: IntegrationRow | undefined): IntegrationState {
  return {
    provider: provider.id,
    display_name: provider.displayName,
    status: row?.status ?? 'not_connected',
    capabilities: capabilitiesOf(provider),
    webhook_signature: provider.webhookSignature,
    last_error: row?.last_error ?? null,
    last_sync_at: row?.last_sync_at ? toTimestamp(row.last_sync_at) : null,
    connected_at: row?.connected_at ? toTimestamp(row.connected_at) : null,
    failure_count: row?.failure_count ?? 0,
    next_sync_after: row?.next_sync_after ? toTimestamp(row.next_sync_after) : null,
    webhook_path:
      row?.credentials_sealed && provider.webhookSecret
        ? `/api/integrations/${provider.id}/webhook?integration=${row.id}`
        : null,
  };
}

export async function listIntegrationStates(db: DbExecutor, actor: Actor): Promise<IntegrationState[]> {
  const rows = await selectIntegrations(db).where('merchant_id', '=', merchantIdOf(actor)).execute();
  const byProvider = new Map(rows.map((row) => [row.provider, row]));
  return PROVIDERS.map((provider) => toState(provider, byProvider.get(provider.id)));
}

export async function findIntegration(db: DbExecutor, merchantId: string, providerId: string) {
  return selectIntegrations(db)
    .where('merchant_id', '=', merchantId)
    .where('provider', '=', providerId)
    .executeTakeFirst();
}

export async function getIntegrationState(
  db: DbExecutor,
  request: { actor: Actor; provider: string },
): Promise<IntegrationState> {
  const provider = getProvider(request.provider);
  return toState(provider, await findIntegration(db, merchantIdOf(request.actor), provider.id));
}

export function setupInfoOf(providerId: string) {
  const provider = getProvider(providerId);
  return {
    provider: provider.id,
    display_name: provider.displayName,
    where: provider.setup.where,
    scopes: provider.setup.scopes,
    docs_url: provider.setup.docsUrl,
    credentials_schema: z.toJSONSchema(provider.credentials, { io: 'input' }) as Record<string, unknown>,
    capabilities: capabilitiesOf(provider),
    webhook_signature: provider.webhookSignature,
  };
}

/** The stored credentials, parsed again with today's schema. */
export function openCredentials(
  provider: ProviderDefinition,
  row: IntegrationRow,
  encryptionKey: Buffer,
): Record<string, unknown> {
  if (!row.credentials_sealed)
    throw domainError(
      INTEGRATION_ERRORS,
      'provider_not_connected',
      `${provider.displayName} is not connected.`,
    );
  return provider.credentials.parse(JSON.parse(openSecret(encryptionKey, row.credentials_sealed)));
}

/** Explains why a shop refused or could not be reached, for the merchant and for the integration's last error. */
export function shopFailureMessage(provider: ProviderDefinition, error: unknown): string | undefined {
  if (error instanceof ShopApiError) return `${provider.displayName} ${error.message}`;
  if (error instanceof UrlRefusedError) return `${provider.displayName} cannot be reached: ${error.message}`;
  return undefined;
}

/**
 * Saves a connection only after one real call with the credentials succeeded; they are sealed with the
 * platform's encryption key and never returned.
 */
export async function connectIntegration(
  db: DbExecutor,
  request: {
    actor: Actor;
    provider: string;
    credentials: Record<string, unknown>;
    settings: ShopApiSettings;
    encryptionKey: Buffer;
  },
): Promise<IntegrationState> {
  const merchantId = merchantIdOf(request.actor);
  const provider = getProvider(request.provider);
  if (!provider.client) {
    throw domainError(
      INTEGRATION_ERRORS,
      'simulate_only_provider',
      `${provider.displayName} has no live API client yet: its orders come in through POST /api/integrations/${provider.id}/simulate.`,
    );
  }
  const parsed = provider.credentials.safeParse(request.credentials);
  if (!parsed.success) {
    const errors = fieldErrorsFromIssues(parsed.error.issues).map((e) => ({
      ...e,
      field: `credentials.${e.field}`,
    }));
    throw new AppError('validation_failed', errors.map((e) => `${e.field} ${e.message}`).join('; '), {
      errors,
    });
  }
  try {
    await provider.client(parsed.data, request.settings).verify();
  } catch (error) {
    const message = shopFailureMessage(provider, error);
    if (!message) throw error;
    throw domainError(
      INTEGRATION_ERRORS,
      'credentials_refused',
      `The credentials were not accepted: ${message}`,
      {
        errors: [{ field: 'credentials', message, code: 'rejected_by_provider' }],
      },
    );
  }
  const sealed = sealSecret(request.encryptionKey, JSON.stringify(parsed.data));
  const connected = {
    status: 'connected' as const,
    credentials_sealed: sealed,
    connected_by: request.actor.userId,
    connected_at: sql<Date>`now()`,
    last_error: null,
    failure_count: 0,
    next_sync_after: null,
    updated_at: sql<Date>`now()`,
  };
  await db
    .insertInto('integrations')
    .values({ merchant_id: merchantId, provider: provider.id, ...connected })
    .onConflict((oc) => oc.columns(['merchant_id', 'provider']).doUpdateSet(connected))
    .execute();
  return getIntegrationState(db, request);
}

/** Forgets the credentials; the platform orders already imported stay, with their links. */
export async function disconnectIntegration(
  db: DbExecutor,
  request: { actor: Actor; provider: string },
): Promise<IntegrationState> {
  const provider = getProvider(request.provider);
  await db
    .updateTable('integrations')
    .set({
      status: 'not_connected',
      credentials_sealed: null,
      last_error: null,
      failure_count: 0,
      next_sync_after: null,
      updated_at: sql<Date>`now()`,
    })
    .where('merchant_id', '=', merchantIdOf(request.actor))
    .where('provider', '=', provider.id)
    .execute();
  return getIntegrationState(db, request);
}
