import { AppError } from '../../../errors/app-error';
import type { DataScope } from '../../rbac/catalogue';

/** Carrier invoices are IPAY's business with its carriers: only a caller holding the `all` scope reaches them. */
export function assertAllScope(scope: DataScope): void {
  if (scope !== 'all')
    throw new AppError('forbidden', 'Carrier invoices are read and uploaded by IPAY staff.');
}
