import { AppError } from '../../../errors/app-error';
import type { Actor } from '../../auth/service';

/** Integrations belong to one merchant: the caller's own organization. */
export function merchantIdOf(actor: Actor): string {
  if (actor.organizationType !== 'merchant') {
    throw new AppError(
      'forbidden',
      'Shop integrations are managed by merchant users, for their own organization.',
    );
  }
  return actor.organizationId;
}
