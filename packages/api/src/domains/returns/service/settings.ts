import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import type { ReturnAddress, ReturnSettings, ReturnSettingsOutput, SetReturnSettingsInput } from '../schemas';

/** What a merchant without a settings row gets. */
export const DEFAULT_RETURN_SETTINGS: ReturnSettings = {
  windowDays: 14,
  approvalRequired: false,
  refundTrigger: 'RECEIVED',
  refundShipping: false,
  walletBonusPercent: 0,
  expiryDays: 14,
  returnAddress: null,
};

interface AddressColumns {
  return_name: string | null;
  return_address_line1: string | null;
  return_address_line2: string | null;
  return_postal_code: string | null;
  return_city: string | null;
  return_country: string | null;
  return_email: string | null;
  return_phone: string | null;
}

function addressOf(row: AddressColumns): ReturnAddress | null {
  const { return_name: name, return_address_line1: line1, return_postal_code: postalCode } = row;
  const { return_city: city, return_country: country } = row;
  if (!name || !line1 || !postalCode || !city || !country) return null;
  return {
    name,
    addressLine1: line1,
    addressLine2: row.return_address_line2,
    postalCode,
    city,
    country,
    email: row.return_email,
    phone: row.return_phone,
  };
}

function addressColumns(address: ReturnAddress | null): AddressColumns {
  return {
    return_name: address?.name ?? null,
    return_address_line1: address?.addressLine1 ?? null,
    return_address_line2: address?.addressLine2 ?? null,
    return_postal_code: address?.postalCode ?? null,
    return_city: address?.city ?? null,
    return_country: address?.country ?? null,
    return_email: address?.email ?? null,
    return_phone: address?.phone ?? null,
  };
}

/** The merchant's return settings, or the defaults. */
export async function getReturnSettings(db: DbExecutor, merchantId: string): Promise<ReturnSettingsOutput> {
  const row = await db
    .selectFrom('return_settings')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst();
  if (!row) return { ...DEFAULT_RETURN_SETTINGS, merchantId, updatedAt: null };
  return {
    merchantId,
    windowDays: row.window_days,
    approvalRequired: row.approval_required,
    refundTrigger: row.refund_trigger,
    refundShipping: row.refund_shipping,
    walletBonusPercent: row.wallet_bonus_percent,
    expiryDays: row.expiry_days,
    returnAddress: addressOf(row),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Changes the fields given, keeping the others (the defaults for a merchant without a row). */
export async function setReturnSettings(
  db: DbExecutor,
  request: { merchantId: string; input: Omit<SetReturnSettingsInput, 'merchantId'>; userId: string | null },
): Promise<ReturnSettingsOutput> {
  const current = await getReturnSettings(db, request.merchantId);
  const given = Object.fromEntries(Object.entries(request.input).filter(([, value]) => value !== undefined));
  const next: ReturnSettings = { ...current, ...given };
  const values = {
    window_days: next.windowDays,
    approval_required: next.approvalRequired,
    refund_trigger: next.refundTrigger,
    refund_shipping: next.refundShipping,
    wallet_bonus_percent: next.walletBonusPercent,
    expiry_days: next.expiryDays,
    ...addressColumns(next.returnAddress),
    updated_by: request.userId,
    updated_at: sql<Date>`now()`,
  };
  await db
    .insertInto('return_settings')
    .values({ merchant_id: request.merchantId, ...values })
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet(values))
    .execute();
  return getReturnSettings(db, request.merchantId);
}
