import type { DbExecutor, DbTransaction } from '@ipay/db';
import { enqueueJob } from '../../../jobs/enqueue';
import { formatMoney, translator, type Language } from '../../../pages/i18n';
import { queueEmail } from '../../notifications/service';
import { queueSms } from '../../notifications/service';
import { sessionOtp } from '../otp';
import { payUrl } from '../repository';

/** Where a door code goes, masked for showing on a page anyone holding the pay link can open. */
export interface CodeDestinations {
  email: string;
  phone: string | null;
}

export interface DoorCodeSettings {
  rootKey: Buffer;
  publicUrl: string;
  /** A code goes by SMS too only where a gateway is configured (SMS_API_KEY). */
  smsConfigured: boolean;
}

/** `jane.doe@example.com` → `j***@example.com`. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '***';
  return `${address.slice(0, 1)}***${address.slice(at)}`;
}

/** The number as the gateway takes it: `+31 6 12345678` → `+31612345678`; undefined when it is no number. */
export function smsNumber(phone: string | null): string | undefined {
  const compact = (phone ?? '').replace(/[\s().-]/g, '');
  return /^\+?[0-9]{8,15}$/.test(compact) ? compact : undefined;
}

/** `+31612345678` → `+31 **** 78`: the country and the last two digits, enough to recognise one's own. */
export function maskPhone(number: string): string {
  const plus = number.startsWith('+');
  const digits = number.replace(/\D/g, '');
  return `${plus ? '+' : ''}${digits.slice(0, 2)} **** ${digits.slice(-2)}`;
}

function contactOf(db: DbExecutor, sessionId: string) {
  return db
    .selectFrom('payment_sessions')
    .innerJoin('orders', 'orders.id', 'payment_sessions.order_id')
    .innerJoin('organizations', 'organizations.id', 'payment_sessions.merchant_id')
    .select([
      'payment_sessions.id',
      'payment_sessions.order_id',
      'payment_sessions.status',
      'payment_sessions.reference',
      'payment_sessions.pay_token',
      'payment_sessions.amount_minor',
      'payment_sessions.currency',
      'orders.customer_name',
      'orders.customer_email',
      'orders.customer_phone',
      'orders.country',
      'organizations.name as merchant_name',
    ])
    .where('payment_sessions.id', '=', sessionId)
    .executeTakeFirst();
}

function destinationsOf(
  contact: { customer_email: string; customer_phone: string | null },
  smsConfigured: boolean,
): { email: string; phone: string | undefined } {
  return {
    email: contact.customer_email,
    phone: smsConfigured ? smsNumber(contact.customer_phone) : undefined,
  };
}

/** The masked addresses a paid session's code was sent to. */
export async function codeDestinations(
  db: DbExecutor,
  request: { sessionId: string; smsConfigured: boolean },
): Promise<CodeDestinations | null> {
  const contact = await contactOf(db, request.sessionId);
  if (!contact) return null;
  const to = destinationsOf(contact, request.smsConfigured);
  return { email: maskEmail(to.email), phone: to.phone ? maskPhone(to.phone) : null };
}

/** Orders shipped to Dutch-speaking countries get the Dutch message; everyone else English. */
function languageForCountry(country: string): Language {
  return ['NL', 'BE', 'SR', 'CW', 'AW', 'SX'].includes(country.toUpperCase()) ? 'nl' : 'en';
}

/**
 * Announces the door code of a session that just became PAID: a job on the same transaction as the payment,
 * so the code is sent if and only if the payment commits, and the PSP's webhook never waits for it.
 */
export async function enqueueDoorCode(trx: DbTransaction, sessionId: string): Promise<void> {
  await enqueueJob(
    trx,
    'payment-sessions.send-door-code',
    { sessionId },
    { jobKey: `door-code:${sessionId}` },
  );
}

/**
 * Sends a paid session's door code to the consumer: an e-mail through the outbox, and an SMS where a gateway
 * is configured, both queued in the caller's transaction. A session no longer PAID (released, refunded) gets
 * nothing: the code is of no use any more.
 */
export async function sendDoorCode(
  trx: DbTransaction,
  request: DoorCodeSettings & { sessionId: string; language?: Language },
): Promise<'sent' | 'not-paid'> {
  const contact = await contactOf(trx, request.sessionId);
  if (!contact || contact.status !== 'PAID') return 'not-paid';
  const language = request.language ?? languageForCountry(contact.country);
  const t = translator(language);
  const code = sessionOtp(request.rootKey, contact.id);
  const to = destinationsOf(contact, request.smsConfigured);
  await queueEmail(trx, {
    to: to.email,
    subject: t('email.doorCode.subject', { merchant: contact.merchant_name }),
    text: t('email.doorCode.text', {
      name: contact.customer_name,
      amount: formatMoney(language, contact.amount_minor, contact.currency),
      merchant: contact.merchant_name,
      reference: contact.reference,
      code,
      link: payUrl(request.publicUrl, contact.pay_token),
    }),
    regarding: { kind: 'order', id: contact.order_id },
  });
  if (to.phone) {
    await queueSms(trx, {
      to: to.phone,
      text: t('sms.doorCode.text', { merchant: contact.merchant_name, code }),
    });
  }
  return 'sent';
}
