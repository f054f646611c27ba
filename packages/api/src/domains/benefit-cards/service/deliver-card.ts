import { sql } from 'kysely';
import type { Db, DbTransaction } from '@ipay/db';
import { enqueueJob } from '../../../jobs/enqueue';
import { queueEmail } from '../../notifications/service';
import {
  logDeliveryAttempt,
  openSigningSecrets,
  postSignedWebhook,
  previousSecretValid,
  retryWithinWindow,
  settleDelivery,
  type DeliveryAttempt,
} from '../../webhooks/service/outbound';
import { recordCardEvent } from './card-events';
import { activationUrl, type DeliverySettings } from './context';
import { sendSms } from '../../notifications/service';

export type CardDeliveryOutcome =
  'delivered' | 'retry-scheduled' | 'failed' | 'not-pending' | 'not-due' | 'missing';

function loadDelivery(db: Db, deliveryId: string) {
  return db
    .selectFrom('benefit_card_deliveries')
    .innerJoin('benefit_cards', 'benefit_cards.id', 'benefit_card_deliveries.card_id')
    .innerJoin('benefit_orders', 'benefit_orders.id', 'benefit_cards.order_id')
    .innerJoin('benefit_programs', 'benefit_programs.id', 'benefit_orders.program_id')
    .innerJoin('benefit_members', 'benefit_members.id', 'benefit_cards.member_id')
    .innerJoin('benefit_products', 'benefit_products.id', 'benefit_cards.product_id')
    .select([
      'benefit_card_deliveries.id',
      'benefit_card_deliveries.status',
      'benefit_card_deliveries.channel',
      'benefit_card_deliveries.created_at',
      'benefit_cards.id as card_id',
      'benefit_cards.activation_code',
      'benefit_cards.status as card_status',
      'benefit_orders.external_transaction_id',
      'benefit_programs.name as program_name',
      'benefit_programs.webhook_url',
      'benefit_programs.webhook_secret_encrypted',
      'benefit_programs.previous_webhook_secret_encrypted',
      previousSecretValid('benefit_programs.previous_webhook_secret_expires_at').as('previous_secret_valid'),
      'benefit_members.first_name',
      'benefit_members.last_name',
      'benefit_members.email',
      'benefit_members.phone_country_code',
      'benefit_members.phone',
      'benefit_members.external_id',
      'benefit_products.name as product_name',
      sql<boolean>`benefit_card_deliveries.next_attempt_at is null
        or benefit_card_deliveries.next_attempt_at <= now() + interval '1 second'`.as('due'),
    ])
    .where('benefit_card_deliveries.id', '=', deliveryId)
    .executeTakeFirst();
}
type Target = NonNullable<Awaited<ReturnType<typeof loadDelivery>>>;

interface AttemptResult extends DeliveryAttempt {
  ok: boolean;
  detail: string;
  /** Retrying cannot help (the SMS gateway refused the message itself): the delivery fails at once. */
  permanent?: boolean;
}

/** The documented iQpay webhook body, snake_case. */
export function webhookPayload(target: Target, publicUrl: string) {
  return {
    activation_code: {
      url: activationUrl(publicUrl, target.activation_code),
      code: target.activation_code,
      status: '',
    },
    member: {
      first_name: target.first_name,
      last_name: target.last_name,
      email: target.email,
      phone_number: target.phone,
      external_id: target.external_id,
    },
    external_transaction_id: target.external_transaction_id,
  };
}

function messageText(target: Target, publicUrl: string): string {
  return `Hi ${target.first_name}, your ${target.product_name} benefit card from ${target.program_name} is ready. Activate it: ${activationUrl(publicUrl, target.activation_code)}`;
}

async function postWebhook(target: Target, settings: DeliverySettings): Promise<AttemptResult> {
  const url = target.webhook_url ?? '';
  const sent = await postSignedWebhook({
    url,
    // The delivery id: the same on every retry, so receivers can dedupe.
    messageId: target.id,
    body: JSON.stringify(webhookPayload(target, settings.publicUrl)),
    secrets: openSigningSecrets(settings.encryptionKey, {
      current: target.webhook_secret_encrypted ?? '',
      previous: target.previous_webhook_secret_encrypted,
      previousValid: target.previous_secret_valid,
    }),
    allowPrivateUrls: settings.allowPrivateUrls,
  });
  const base = { startedAt: sent.startedAt, durationMs: sent.durationMs, statusCode: sent.statusCode };
  if (sent.statusCode === null) {
    return { ...base, ok: false, error: sent.transportError, bodyExcerpt: null, detail: 'webhook' };
  }
  // The iQpay contract: only 200 counts, not any 2xx.
  const ok = sent.statusCode === 200;
  return {
    ...base,
    ok,
    error: ok ? null : `The receiver answered ${sent.statusCode}; only 200 counts as delivered.`,
    bodyExcerpt: sent.bodyExcerpt,
    detail: `webhook ${url}`,
  };
}

/** Always into the outbox (one row per delivery); through the gateway as well when it is configured. */
async function sendCardSms(
  db: Db,
  target: Target,
  settings: DeliverySettings,
  startedAt: Date,
): Promise<AttemptResult> {
  const to = `+${target.phone_country_code}${target.phone}`;
  const text = messageText(target, settings.publicUrl);
  await db
    .insertInto('sms_outbox')
    .values({ id: target.id, to, text })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  if (!settings.sms) {
    return {
      startedAt,
      durationMs: 0,
      ok: true,
      statusCode: null,
      error: null,
      bodyExcerpt: null,
      detail: `SMS to ${to} kept in the outbox`,
    };
  }
  const result = await sendSms(settings.sms, { to, text, reference: target.id });
  const durationMs = Date.now() - startedAt.getTime();
  await db
    .updateTable('sms_outbox')
    .set(
      result.ok
        ? {
            status: 'sent',
            provider_message_id: result.providerMessageId,
            last_error: null,
            updated_at: sql<Date>`now()`,
          }
        : { last_error: result.error, updated_at: sql<Date>`now()` },
    )
    .where('id', '=', target.id)
    .execute();
  if (result.ok) {
    return {
      startedAt,
      durationMs,
      ok: true,
      statusCode: result.statusCode,
      error: null,
      bodyExcerpt: null,
      detail: `SMS to ${to}`,
    };
  }
  return {
    startedAt,
    durationMs,
    ok: false,
    statusCode: result.statusCode,
    error: result.error,
    bodyExcerpt: result.bodyExcerpt,
    detail: `SMS to ${to}`,
    permanent: result.permanent,
  };
}

async function settle(
  trx: DbTransaction,
  target: Target,
  change: { status: 'succeeded' | 'failed' | 'pending'; result: AttemptResult; nextAttemptAt?: Date },
) {
  await settleDelivery(trx, 'benefit_card_deliveries', target.id, {
    status: change.status,
    attempt: change.result,
    nextAttemptAt: change.nextAttemptAt,
  });
  if (change.status === 'pending') return;
  await trx
    .updateTable('benefit_cards')
    .set({
      delivery_status: change.status === 'succeeded' ? 'delivered' : 'failed',
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', target.card_id)
    .execute();
  await recordCardEvent(trx, {
    cardId: target.card_id,
    type: change.status === 'succeeded' ? 'delivered' : 'delivery_failed',
    detail: change.result.error ? `${change.result.detail}: ${change.result.error}` : change.result.detail,
  });
}

/** One attempt's outcome for the delivery, written with the attempt in one transaction. */
function recordAttempt(
  db: Db,
  target: Target,
  result: AttemptResult,
  random?: () => number,
): Promise<CardDeliveryOutcome> {
  return db.transaction().execute(async (trx) => {
    const delivery = await trx
      .selectFrom('benefit_card_deliveries')
      .select(['attempts', 'status', 'created_at'])
      .where('id', '=', target.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    await logDeliveryAttempt(trx, 'benefit_card_delivery_attempts', {
      deliveryId: target.id,
      attemptNumber: delivery.attempts + 1,
      attempt: result,
    });
    if (delivery.status !== 'pending') return 'not-pending';
    if (result.ok) {
      await settle(trx, target, { status: 'succeeded', result });
      return 'delivered';
    }
    const next = retryWithinWindow({
      failedAttempts: delivery.attempts + 1,
      attemptStartedAt: result.startedAt,
      deliveryCreatedAt: delivery.created_at,
      random,
    });
    if (result.permanent || !next) {
      await settle(trx, target, { status: 'failed', result });
      return 'failed';
    }
    await settle(trx, target, { status: 'pending', result, nextAttemptAt: next });
    await enqueueJob(
      trx,
      'benefit-cards.deliver-card',
      { deliveryId: target.id },
      { runAt: next, jobKey: `card-delivery:${target.id}` },
    );
    return 'retry-scheduled';
  });
}

/** E-mail goes through the platform's outbox (and Resend when configured), which owns its own retries. */
function queueCardEmail(
  db: Db,
  target: Target,
  settings: DeliverySettings,
  startedAt: Date,
): Promise<CardDeliveryOutcome> {
  return db.transaction().execute(async (trx) => {
    const delivery = await trx
      .selectFrom('benefit_card_deliveries')
      .select(['attempts', 'status'])
      .where('id', '=', target.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (delivery.status !== 'pending') return 'not-pending';
    const emailId = await queueEmail(trx, {
      to: target.email,
      subject: `Your ${target.product_name} benefit card`,
      text: messageText(target, settings.publicUrl),
    });
    const result: AttemptResult = {
      startedAt,
      durationMs: Date.now() - startedAt.getTime(),
      ok: true,
      statusCode: null,
      error: null,
      bodyExcerpt: null,
      detail: `e-mail ${emailId} to ${target.email}`,
    };
    await logDeliveryAttempt(trx, 'benefit_card_delivery_attempts', {
      deliveryId: target.id,
      attemptNumber: delivery.attempts + 1,
      attempt: result,
    });
    await settle(trx, target, { status: 'succeeded', result });
    return 'delivered';
  });
}

/**
 * One attempt at delivering a card. Webhooks count only HTTP 200 and are retried with the webhook backoff
 * for 72 hours; every attempt is logged. At-least-once: a crash between the request and its record makes
 * the queue run the job again, with the same `webhook-id`.
 */
export async function deliverCard(
  db: Db,
  options: { deliveryId: string; settings: DeliverySettings; random?: () => number },
): Promise<CardDeliveryOutcome> {
  const target = await loadDelivery(db, options.deliveryId);
  if (!target) return 'missing';
  if (target.status !== 'pending') return 'not-pending';
  if (!target.due) return 'not-due';
  const startedAt = new Date();
  if (target.channel === 'email') return queueCardEmail(db, target, options.settings, startedAt);
  const result =
    target.channel === 'sms'
      ? await sendCardSms(db, target, options.settings, startedAt)
      : await postWebhook(target, options.settings);
  return recordAttempt(db, target, result, options.random);
}
