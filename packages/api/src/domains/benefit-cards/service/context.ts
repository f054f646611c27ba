import { AppError } from '../../../errors/app-error';
import type { Actor } from '../../auth/service';
import type { DataScope } from '../../rbac/catalogue';

export interface ScopedRequest {
  actor: Actor;
  scope: DataScope;
}

/** What card delivery needs from the process: links, the key for program secrets, the URL policy, SMS. */
export interface DeliverySettings {
  publicUrl: string;
  encryptionKey: Buffer;
  /** WEBHOOK_ALLOW_PRIVATE_URLS: tests and local development only. */
  allowPrivateUrls: boolean;
  /** Unset: SMS stay in the outbox table. */
  sms: { apiUrl: string; apiKey: string; originator: string } | undefined;
}

/** Setting up sponsors, programs and products is the operator's job (scope `all`). */
export function assertOperator(scope: DataScope, what: string): void {
  if (scope !== 'all') {
    throw new AppError(
      'forbidden',
      `${what} is done by IPAY operators (benefit_cards on all organizations).`,
    );
  }
}

export function activationUrl(publicUrl: string, code: string): string {
  return `${publicUrl}/card/${code}`;
}
