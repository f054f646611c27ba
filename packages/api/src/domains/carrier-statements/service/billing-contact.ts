import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import type { DataScope } from '../../rbac/catalogue';
import type { CarrierBillingContactResult, SetBillingContactInput } from '../schemas';
import { assertStatementReach } from './statements';

/** Where a carrier's credit statements go: its billing e-mail, attention line and postal address. */
export async function setBillingContact(
  db: DbExecutor,
  request: { scope: DataScope; input: SetBillingContactInput },
): Promise<CarrierBillingContactResult> {
  assertStatementReach(request.scope);
  const { cc, email, name, addressLines } = request.input;
  const row = await db
    .updateTable('tariff_carriers')
    .set({
      billing_email: email.toLowerCase(),
      billing_name: name ?? null,
      billing_address: addressLines,
      updated_at: sql<Date>`now()`,
    })
    .where('code', '=', cc)
    .returning(['code', 'name', 'billing_email', 'billing_name', 'billing_address'])
    .executeTakeFirst();
  if (!row) {
    throw new AppError('not_found', `No tariff carrier has the code ${cc}: import its tariff first.`);
  }
  return {
    carrier: row.code,
    carrierName: row.name,
    billingContact: { email: row.billing_email, name: row.billing_name, addressLines: row.billing_address },
  };
}
