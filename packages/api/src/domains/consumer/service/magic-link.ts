import { sql } from 'kysely';
import type { Db, DbExecutor, DbTransaction } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import { translator } from '../../../pages/i18n';
import { consumeRateLimit } from '../../../platform/rate-limit';
import { hashSingleUseToken, newSingleUseToken, type Keyring } from '../../auth/service';
import { queueEmail } from '../../notifications/service';
import { CONSUMER_ERRORS } from '../errors';
import type {
  ConsumerLanguage,
  ConsumerSession,
  MagicLinkRedeemInput,
  MagicLinkRequested,
  MagicLinkRequestInput,
} from '../schemas';
import { startConsumerSession } from './sessions';

export const MAGIC_LINK_TTL_MINUTES = 15;
/** Requests per address and per client address, per hour: enough to retry, too few to mail-bomb anyone. */
export const MAGIC_LINK_REQUEST_LIMITS = { perEmail: 5, perIp: 30, windowSeconds: 3600 } as const;
/** Redemptions per client address: one budget for `POST /api/consumer/magic-link/redeem` and the confirm page. */
export const MAGIC_LINK_REDEEM_LIMIT = { name: 'magic-link-redeem', perIp: 30, windowSeconds: 900 } as const;

const REQUESTED: MagicLinkRequested = {
  accepted: true,
  detail: `A sign-in link is on its way to this address (valid ${MAGIC_LINK_TTL_MINUTES} minutes, once).`,
};

/** The page the e-mail links to: it asks the person to confirm, because mail scanners open every link. */
export function magicLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/consumer/sign-in/${token}`;
}

/**
 * Mails a single-use sign-in link to any address: a consumer is whoever can read the address's mail, so an
 * address never seen before gets the same link (and the same answer) as a known one, and the answer tells
 * nothing of which. Limited per client address first, then per address.
 */
export async function requestMagicLink(
  db: Db,
  request: { clientIp: string; publicUrl: string; input: MagicLinkRequestInput },
): Promise<MagicLinkRequested> {
  const { perEmail, perIp, windowSeconds } = MAGIC_LINK_REQUEST_LIMITS;
  const { email } = request.input;
  await consumeRateLimit(db, { key: `magic-link:ip:${request.clientIp}`, limit: perIp, windowSeconds });
  await consumeRateLimit(db, { key: `magic-link:email:${email}`, limit: perEmail, windowSeconds });
  await db.transaction().execute(async (trx) => {
    const known = await trx
      .selectFrom('consumers')
      .select('language')
      .where('email', '=', email)
      .executeTakeFirst();
    const language: ConsumerLanguage = known?.language ?? request.input.language ?? 'en';
    const { token, hash } = newSingleUseToken();
    await trx
      .insertInto('consumer_magic_links')
      .values({
        email,
        token_hash: hash,
        expires_at: sql<Date>`now() + make_interval(mins => ${MAGIC_LINK_TTL_MINUTES})`,
      })
      .execute();
    const t = translator(language);
    await queueEmail(trx, {
      to: email,
      subject: t('email.magicLink.subject'),
      text: t('email.magicLink.text', {
        link: magicLinkUrl(request.publicUrl, token),
        minutes: MAGIC_LINK_TTL_MINUTES,
      }),
    });
  });
  return REQUESTED;
}

function invalidLink() {
  return domainError(
    CONSUMER_ERRORS,
    'magic_link_invalid',
    'This sign-in link is unknown, already used or expired; ask for a new one.',
  );
}

/** Whether a link would still sign in, without using it (the confirm page's GET). */
export async function magicLinkUsable(db: DbExecutor, token: string): Promise<boolean> {
  const row = await db
    .selectFrom('consumer_magic_links')
    .select('id')
    .where('token_hash', '=', hashSingleUseToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Uses the link (once: the update that marks it used is the check, so two redemptions at once cannot both win),
 * makes its address a consumer (verified now, or kept from the first time) and starts a 30-day session.
 * Unknown, used and expired links are one and the same refusal.
 */
export async function redeemMagicLink(
  trx: DbTransaction,
  request: { keyring: Keyring; input: MagicLinkRedeemInput; language?: ConsumerLanguage },
): Promise<ConsumerSession> {
  const link = await trx
    .updateTable('consumer_magic_links')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', hashSingleUseToken(request.input.token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('email')
    .executeTakeFirst();
  if (!link) throw invalidLink();
  const consumer = await trx
    .insertInto('consumers')
    .values({ email: link.email, language: request.language ?? null, verified_at: sql<Date>`now()` })
    .onConflict((conflict) =>
      conflict
        .column('email')
        .doUpdateSet({ language: sql`coalesce(consumers.language, excluded.language)` }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return startConsumerSession(trx, { keyring: request.keyring, consumer });
}
