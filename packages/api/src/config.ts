import { createPrivateKey, type KeyObject } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));

const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

/** Every environment variable the platform reads; `.describe()` is its line in docs/configuration.md. */
/** The IPAY fee per paid order (euro cents) when `IPAY_DEFAULT_FEE_PER_ORDER_MINOR` is not set. */
export const DEFAULT_IPAY_FEE_PER_ORDER_MINOR = 50;

export const EnvSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'test', 'production'])
    .default('development')
    .describe(
      '`production` requires `JWT_KEYS` and `IPAY_ENCRYPTION_KEY` and forbids `PAYMENT_SIMULATION=on`',
    ),
  HOST: z.string().default('127.0.0.1').describe('interface the API listens on (`0.0.0.0` in containers)'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('port the API listens on'),
  PUBLIC_URL: z
    .url()
    .optional()
    .describe('public base URL: the OpenAPI document, pay links, card links and the start banner'),
  DATABASE_URL: z
    .string()
    .min(1)
    .optional()
    .describe(
      'PostgreSQL to use; unset starts the embedded one (or joins the one another local process started)',
    ),
  DATABASE_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(10)
    .describe('database connections per process'),
  IPAY_DATA_DIR: z
    .string()
    .default(path.join(projectRoot, '.data'))
    .describe(
      'the embedded cluster, its generated password, the development JWT key (`jwt-keys.json`) and encryption key (`encryption-key`)',
    ),
  EMBEDDED_PG_PORT: z.coerce
    .number()
    .int()
    .min(1)
    .max(65535)
    .default(54329)
    .describe('port of the embedded PostgreSQL (127.0.0.1 only)'),
  JWT_KEYS: z
    .string()
    .optional()
    .describe(
      '`kid:secret[,kid:secret…]`, secrets of at least 32 characters; the first signs, all verify (rotate by putting the new key first and dropping the old one after 7 days)',
    ),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(168)
    .describe('hours a payment session can be paid (at most 90 days)'),
  PAYMENT_SIMULATION: z
    .enum(['on', 'off'])
    .optional()
    .describe('`on` or `off`: the payment simulator outside production; it is never available in production'),
  STRIPE_SECRET_KEY: z
    .string()
    .optional()
    .describe('pay with Stripe Checkout; set together with `STRIPE_WEBHOOK_SECRET`'),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .optional()
    .describe(
      'the signing secret (`whsec_…`) of the Stripe webhook endpoint `POST <PUBLIC_URL>/api/payments/webhook`',
    ),
  STRIPE_API_URL: z.url().optional().describe('another Stripe API base URL (tests point it at a local fake)'),
  MULTISAFEPAY_API_KEY: z
    .string()
    .optional()
    .describe(
      'pay with MultiSafepay: the site API key, which also verifies its notifications at `POST <PUBLIC_URL>/api/webhooks/multisafepay`',
    ),
  MULTISAFEPAY_API_URL: z
    .url()
    .default('https://api.multisafepay.com/v1/json')
    .describe(
      'MultiSafepay API base URL; `https://testapi.multisafepay.com/v1/json` for its test environment',
    ),
  CORS_ORIGINS: commaList.describe(
    'comma-separated origins allowed by CORS, or `*` for any; empty allows no cross-origin access',
  ),
  SECURITY_HEADERS: z
    .enum(['on', 'off'])
    .default('on')
    .describe(
      '`on` or `off`: Helmet headers (CSP, nosniff, frame-ancestors; HSTS when `PUBLIC_URL` is https)',
    ),
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .describe(
      '`true` trusts `X-Forwarded-For` behind a load balancer (the client address feeds rate limits)',
    ),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1_048_576)
    .describe('largest accepted request body in bytes; larger bodies are a 413 problem'),
  ORDER_UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(20 * 1_048_576)
    .describe(
      'largest order upload file (`POST /api/orders/upload`) in bytes (20 MiB); larger is a 413 stating the limit',
    ),
  ORDER_UPLOAD_MAX_ROWS: z.coerce
    .number()
    .int()
    .min(1)
    .default(50_000)
    .describe('most data rows in one order upload; more is a 422 stating the limit'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe(
      'pino level (`fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`); logs are JSON lines carrying the request `traceId`',
    ),
  LOG_SLOW_REQUEST_MS: z.coerce
    .number()
    .int()
    .min(1)
    .default(1000)
    .describe(
      'a request answered after this many milliseconds is logged at `warn` (as is every 5xx), so `LOG_LEVEL=warn` keeps only slow and failed requests',
    ),
  ACTOR_CACHE_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(300)
    .default(10)
    .describe(
      'how long an API process uses a signed-in user and their permissions without reading them again (0: every request reads them); the latest a change that takes access away reaches another API process if its notification is lost',
    ),
  ACTOR_CACHE_MAX_ENTRIES: z.coerce
    .number()
    .int()
    .min(1)
    .default(10_000)
    .describe('most signed-in users an API process holds in that cache'),
  LOGIN_RATE_LIMIT: z.coerce
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('login attempts per client address per window (twice that per account)'),
  LOGIN_RATE_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(900)
    .describe('the login rate-limit window in seconds'),
  WORKER_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(5)
    .describe('jobs one worker process runs at once'),
  WORKER_DEAD_AFTER_SECONDS: z.coerce
    .number()
    .int()
    .min(5)
    .max(14_400)
    .default(120)
    .describe(
      'how long a worker process may go without a heartbeat before the other workers free the jobs it had taken',
    ),
  IPAY_ADMIN_EMAIL: z
    .email()
    .optional()
    .describe('platform admin created on start when none exists; set together with `IPAY_ADMIN_PASSWORD`'),
  IPAY_ADMIN_PASSWORD: z.string().optional().describe('password of that first platform admin'),
  IPAY_ENCRYPTION_KEY: z
    .string()
    .optional()
    .describe(
      '32 random bytes, base64 (`openssl rand -base64 32`): the AES-256-GCM key for secrets at rest and the OTP key; the same in every API and worker process',
    ),
  WEBHOOK_ALLOW_PRIVATE_URLS: z
    .enum(['true', 'false'])
    .default('false')
    .describe(
      '`true` lets webhook, program and shop URLs point at loopback and private networks: tests and local development only, never production',
    ),
  RESEND_API_KEY: z
    .string()
    .optional()
    .describe(
      'send e-mail through Resend; unset keeps e-mails in the outbox (`GET /api/admin/email-outbox`)',
    ),
  RESEND_BASE_URL: z
    .url()
    .default('https://api.resend.com')
    .describe(
      'Resend API base URL, handed to the `resend` library as its `baseUrl` (tests point it at a local fake)',
    ),
  RESEND_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, 'the signing secret Resend shows for the webhook, `whsec_…`')
    .optional()
    .describe(
      "verifies Resend's delivery events at `POST <PUBLIC_URL>/api/webhooks/resend` (the webhook's signing secret, `whsec_…`); unset answers that route 503",
    ),
  EMAIL_FROM: z
    .string()
    .optional()
    .describe('sender address; required with `RESEND_API_KEY` (an address on a domain verified at Resend)'),
  SMS_API_URL: z
    .url()
    .default('https://rest.messagebird.com')
    .describe('MessageBird REST base URL (tests point it at a local fake)'),
  SMS_API_KEY: z
    .string()
    .optional()
    .describe(
      'send SMS (benefit cards, door codes of paid parcels) through MessageBird; unset keeps them in `GET /api/benefit-cards/sms-outbox` and sends door codes by e-mail only',
    ),
  SMS_FROM: z
    .string()
    .max(17)
    .default('IPAY')
    .describe('SMS originator: a sender name (at most 11 characters) or number'),
  PDF_CHROMIUM_PATH: z
    .string()
    .default('/usr/bin/chromium')
    .describe(
      'the Chromium that renders PDFs (statements, settlements, quotes), started on the first PDF; missing, PDFs are a 503 problem naming the install step (`apt-get install -y chromium`)',
    ),
  PDF_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(16)
    .default(2)
    .describe('PDFs one process renders at once (one browser tab each); more wait their turn'),
  GOOGLE_WALLET_ISSUER_ID: z
    .string()
    .regex(/^\d{1,30}$/, 'must be the numeric issuer id from the Google Pay & Wallet Console')
    .optional()
    .describe(
      'Google Wallet issuer id: with the two below, IPAY-issued loyalty cards get an “Add to Google Wallet” link; unset, the link is null (`not_configured`)',
    ),
  GOOGLE_WALLET_SERVICE_ACCOUNT_EMAIL: z
    .email()
    .optional()
    .describe('the Google Cloud service account authorised for the issuer: the `iss` of the save-link JWTs'),
  GOOGLE_WALLET_PRIVATE_KEY: z
    .string()
    .optional()
    .describe(
      'that service account’s RSA private key (PEM, `\\n` escapes allowed as in its JSON key file): signs the save-link JWTs (RS256)',
    ),
  GOOGLE_WALLET_LOYALTY_CLASS_SUFFIX: z
    .string()
    .regex(/^[\w.-]{1,100}$/, 'letters, digits, `.`, `_` and `-` only')
    .default('ipay_loyalty')
    .describe(
      'the loyalty class the cards belong to (`<issuerId>.<suffix>`), created once in the Google Pay & Wallet Console',
    ),
  IPAY_DEFAULT_FEE_PER_ORDER_MINOR: z.coerce
    .number()
    .int()
    .min(0)
    .max(100_000)
    .default(DEFAULT_IPAY_FEE_PER_ORDER_MINOR)
    .describe(
      'the IPAY fee per paid order, in euro cents, for merchants without a contract fee (`fee_source: platform_default` in their settlement)',
    ),
  SENDCLOUD_PUBLIC_KEY: z
    .string()
    .optional()
    .describe(
      "Sendcloud integration's public key (Basic auth user): return labels (`POST /api/labels/create`); set with `SENDCLOUD_SECRET_KEY`, unset answers 503",
    ),
  SENDCLOUD_SECRET_KEY: z
    .string()
    .optional()
    .describe(
      "Sendcloud integration's secret key (Basic auth password); also the key of `Sendcloud-Signature` on its webhooks unless `SENDCLOUD_WEBHOOK_SECRET` is set",
    ),
  SENDCLOUD_BASE_URL: z
    .url()
    .default('https://panel.sendcloud.sc/api/v3')
    .describe("Sendcloud's v3 API base URL (tests point it at a local fake)"),
  SENDCLOUD_WEBHOOK_SECRET: z
    .string()
    .optional()
    .describe(
      'the secret key of the Sendcloud integration whose webhooks reach `POST /api/webhooks/sendcloud/returns`, when it is not the integration of `SENDCLOUD_SECRET_KEY`',
    ),
  STATEMENT_ISSUER: z
    .string()
    .trim()
    .min(1)
    .max(1_000)
    .default('IPAY')
    .describe(
      'who issues carrier credit statements, as printed in their header: the company name, then its address lines, separated by `|` (`IPAY B.V.|Keizersgracht 100|1015 AA Amsterdam|Nederland`)',
    ),
  EXACT_CLIENT_ID: z
    .string()
    .optional()
    .describe(
      'Exact Online app client id; with `EXACT_CLIENT_SECRET` and `EXACT_DIVISION` it enables posting finance batches (unset: post-to-exact answers 503)',
    ),
  EXACT_CLIENT_SECRET: z.string().optional().describe('Exact Online app client secret'),
  EXACT_DIVISION: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Exact Online division (administration) the journal entries are booked in'),
  EXACT_REFRESH_TOKEN: z
    .string()
    .optional()
    .describe(
      'the first refresh token from the authorization-code grant; stored sealed on first use, then rotated in the database (Exact refresh tokens are single-use)',
    ),
  EXACT_BASE_URL: z
    .url()
    .default('https://start.exactonline.nl')
    .describe('Exact Online base URL (country site); tests point it at a local fake'),
  EXACT_JOURNAL_CODE: z
    .string()
    .regex(/^[A-Za-z0-9]{1,10}$/, 'an Exact journal code')
    .default('90')
    .describe('the general journal the batches are booked in'),
});

const DEFAULT_EMAIL_FROM = 'IPAY <no-reply@ipay.invalid>';

/**
 * How docs/configuration.md shows a default that is computed at start or lives outside the schema
 * (variables not listed here show the schema's default, or "unset").
 */
export const DOCUMENTED_DEFAULTS: Partial<Record<keyof typeof EnvSchema.shape, string>> = {
  PUBLIC_URL: '`http://localhost:PORT`',
  IPAY_DATA_DIR: '`.data` in the repository root',
  JWT_KEYS: 'generated in development (`IPAY_DATA_DIR/jwt-keys.json`)',
  IPAY_ENCRYPTION_KEY: 'generated in development (`IPAY_DATA_DIR/encryption-key`)',
  PAYMENT_SIMULATION: '`on` (never in production)',
  STRIPE_API_URL: "Stripe's",
  CORS_ORIGINS: 'empty (none)',
  EMAIL_FROM: `\`${DEFAULT_EMAIL_FROM}\``,
};

export interface JwtKey {
  kid: string;
  secret: string;
}

export interface Config {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  publicUrl: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  dataDir: string;
  embeddedPostgresPort: number;
  /** Configured signing keys; the first one signs. Empty means "use the generated dev key in dataDir". */
  jwtKeys: JwtKey[];
  payments: PaymentConfig;
  corsOrigins: string[];
  securityHeaders: boolean;
  trustProxy: boolean;
  bodyLimitBytes: number;
  /** Bounds of one order upload file (POST /api/orders/upload). */
  orderUpload: { maxBytes: number; maxRows: number };
  logLevel: string;
  /** Requests answered slower than this are logged at `warn`. */
  slowRequestMs: number;
  /** Signed-in users and their permissions held per process (`domains/auth/actor-cache.ts`). */
  actorCache: { ttlSeconds: number; maxEntries: number };
  loginRateLimit: { limit: number; windowSeconds: number };
  workerConcurrency: number;
  /** Seconds of silence after which a worker pool counts as dead and its jobs are freed. */
  workerDeadAfterSeconds: number;
  initialAdmin: { email: string; password: string } | undefined;
  /** AES-256 key for secrets at rest. Undefined means "use the generated dev key in dataDir". */
  encryptionKey: Buffer | undefined;
  webhooks: {
    /** Lets merchants' webhook URLs point at loopback and private networks: tests and local development only. */
    allowPrivateUrls: boolean;
  };
  email: {
    from: string;
    /** Unset: e-mails stay in the outbox table, readable through the admin API. */
    resend: { apiKey: string; baseUrl: string } | undefined;
    /** Verifies Resend's delivery webhooks (svix). Unset: `POST /api/webhooks/resend` answers 503. */
    resendWebhookSecret: string | undefined;
  };
  /** MessageBird's SMS API. Unset: SMS stay in the `sms_outbox` table, readable through the operator API. */
  sms: { apiUrl: string; apiKey: string; originator: string } | undefined;
  /** The one Chromium of `platform/pdf`: where it is, and how many PDFs render at once. */
  pdf: { chromiumPath: string; concurrency: number };
  /** Signs Google Wallet save links for IPAY-issued loyalty cards. Unset: the cards carry no link. */
  googleWallet: GoogleWalletConfig | undefined;
  /** The issuer printed on carrier credit statements: company name and address lines. */
  statementIssuer: { name: string; lines: string[] };
  /** Sendcloud's API for return labels; unset, label creation is a 503 naming the variables. */
  sendcloud: { publicKey: string; secretKey: string; baseUrl: string } | undefined;
  /** The key of `Sendcloud-Signature`; unset, the returns webhook is a 503 (nothing can be verified). */
  sendcloudWebhookSecret: string | undefined;
  /** Merchant settlement: the fee per paid order of merchants without a contract fee. */
  settlement: { defaultFeePerOrderMinor: number };
  /** Exact Online, where approved finance batches are booked. Unset: post-to-exact answers 503. */
  exact: ExactConfig | undefined;
}

export interface ExactConfig {
  clientId: string;
  clientSecret: string;
  division: number;
  /** Seeds the token row once; afterwards the database holds the current (rotated) refresh token. */
  initialRefreshToken: string | undefined;
  baseUrl: string;
  journalCode: string;
}

export interface GoogleWalletConfig {
  issuerId: string;
  serviceAccountEmail: string;
  privateKey: KeyObject;
  loyaltyClassSuffix: string;
}

export interface PaymentConfig {
  sessionTtlHours: number;
  /** Paying without a PSP, through the same code path as a PSP webhook; never in production. */
  simulation: boolean;
  stripe: { secretKey: string; webhookSecret: string; apiUrl: string | undefined } | undefined;
  multisafepay: { apiKey: string; apiUrl: string } | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** `kid:secret,kid:secret`; the secret is at least 32 characters so HS256 keys are never guessable. */
function parseJwtKeys(value: string | undefined): JwtKey[] {
  if (!value) return [];
  return value.split(',').map((entry) => {
    const [kid, secret] = entry.split(':', 2).map((part) => part.trim());
    if (!kid || !secret || secret.length < 32) {
      throw new ConfigError(
        'JWT_KEYS must be "kid:secret[,kid:secret…]" with secrets of at least 32 characters',
      );
    }
    return { kid, secret };
  });
}

/** 32 bytes, base64 (standard or url-safe): AES-256-GCM needs exactly that much key. */
function parseEncryptionKey(value: string | undefined): Buffer | undefined {
  if (!value) return undefined;
  // Buffer.from skips characters outside the alphabet, so check the alphabet first.
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(value) ? Buffer.from(value, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) {
    throw new ConfigError(
      'IPAY_ENCRYPTION_KEY must be 32 random bytes in base64, e.g. `openssl rand -base64 32`',
    );
  }
  return key;
}

/** The only place that reads the environment: everything else receives a Config. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // `KEY=` in a .env file means "not set", not "set to nothing".
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`invalid environment: ${fields}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.JWT_KEYS) throw new ConfigError('JWT_KEYS is required in production');
  if (e.NODE_ENV === 'production' && !e.IPAY_ENCRYPTION_KEY) {
    throw new ConfigError('IPAY_ENCRYPTION_KEY is required in production');
  }
  if (e.NODE_ENV === 'production' && e.PAYMENT_SIMULATION === 'on') {
    throw new ConfigError('PAYMENT_SIMULATION cannot be on in production');
  }
  if (Boolean(e.STRIPE_SECRET_KEY) !== Boolean(e.STRIPE_WEBHOOK_SECRET)) {
    throw new ConfigError('set both STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, or neither');
  }
  if (e.RESEND_API_KEY && !e.EMAIL_FROM) {
    throw new ConfigError(
      'EMAIL_FROM is required with RESEND_API_KEY (a sender on a domain verified at Resend)',
    );
  }
  if (Boolean(e.SENDCLOUD_PUBLIC_KEY) !== Boolean(e.SENDCLOUD_SECRET_KEY)) {
    throw new ConfigError('set both SENDCLOUD_PUBLIC_KEY and SENDCLOUD_SECRET_KEY, or neither');
  }
  if (Boolean(e.IPAY_ADMIN_EMAIL) !== Boolean(e.IPAY_ADMIN_PASSWORD)) {
    throw new ConfigError('set both IPAY_ADMIN_EMAIL and IPAY_ADMIN_PASSWORD, or neither');
  }
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir: path.resolve(e.IPAY_DATA_DIR),
    embeddedPostgresPort: e.EMBEDDED_PG_PORT,
    jwtKeys: parseJwtKeys(e.JWT_KEYS),
    payments: {
      sessionTtlHours: e.SESSION_TTL_HOURS,
      simulation: e.NODE_ENV !== 'production' && e.PAYMENT_SIMULATION !== 'off',
      stripe:
        e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET
          ? {
              secretKey: e.STRIPE_SECRET_KEY,
              webhookSecret: e.STRIPE_WEBHOOK_SECRET,
              apiUrl: e.STRIPE_API_URL,
            }
          : undefined,
      multisafepay: e.MULTISAFEPAY_API_KEY
        ? { apiKey: e.MULTISAFEPAY_API_KEY, apiUrl: e.MULTISAFEPAY_API_URL.replace(/\/$/, '') }
        : undefined,
    },
    corsOrigins: e.CORS_ORIGINS,
    securityHeaders: e.SECURITY_HEADERS === 'on',
    trustProxy: e.TRUST_PROXY === 'true',
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    orderUpload: { maxBytes: e.ORDER_UPLOAD_MAX_BYTES, maxRows: e.ORDER_UPLOAD_MAX_ROWS },
    logLevel: e.LOG_LEVEL,
    slowRequestMs: e.LOG_SLOW_REQUEST_MS,
    actorCache: { ttlSeconds: e.ACTOR_CACHE_TTL_SECONDS, maxEntries: e.ACTOR_CACHE_MAX_ENTRIES },
    loginRateLimit: { limit: e.LOGIN_RATE_LIMIT, windowSeconds: e.LOGIN_RATE_WINDOW_SECONDS },
    workerConcurrency: e.WORKER_CONCURRENCY,
    workerDeadAfterSeconds: e.WORKER_DEAD_AFTER_SECONDS,
    initialAdmin:
      e.IPAY_ADMIN_EMAIL && e.IPAY_ADMIN_PASSWORD
        ? { email: e.IPAY_ADMIN_EMAIL, password: e.IPAY_ADMIN_PASSWORD }
        : undefined,
    encryptionKey: parseEncryptionKey(e.IPAY_ENCRYPTION_KEY),
    webhooks: { allowPrivateUrls: e.WEBHOOK_ALLOW_PRIVATE_URLS === 'true' },
    email: {
      from: e.EMAIL_FROM ?? DEFAULT_EMAIL_FROM,
      resend: e.RESEND_API_KEY
        ? { apiKey: e.RESEND_API_KEY, baseUrl: e.RESEND_BASE_URL.replace(/\/$/, '') }
        : undefined,
      resendWebhookSecret: e.RESEND_WEBHOOK_SECRET,
    },
    sms: e.SMS_API_KEY
      ? { apiUrl: e.SMS_API_URL.replace(/\/$/, ''), apiKey: e.SMS_API_KEY, originator: e.SMS_FROM }
      : undefined,
    pdf: { chromiumPath: e.PDF_CHROMIUM_PATH, concurrency: e.PDF_CONCURRENCY },
    statementIssuer: statementIssuer(e.STATEMENT_ISSUER),
    settlement: { defaultFeePerOrderMinor: e.IPAY_DEFAULT_FEE_PER_ORDER_MINOR },
    sendcloud:
      e.SENDCLOUD_PUBLIC_KEY && e.SENDCLOUD_SECRET_KEY
        ? {
            publicKey: e.SENDCLOUD_PUBLIC_KEY,
            secretKey: e.SENDCLOUD_SECRET_KEY,
            baseUrl: e.SENDCLOUD_BASE_URL.replace(/\/$/, ''),
          }
        : undefined,
    sendcloudWebhookSecret: e.SENDCLOUD_WEBHOOK_SECRET ?? e.SENDCLOUD_SECRET_KEY,
    googleWallet: googleWallet(e),
    exact: exact(e),
  };
}

/** Client id, secret and division together, or none. */
function exact(e: z.infer<typeof EnvSchema>): ExactConfig | undefined {
  const given = [e.EXACT_CLIENT_ID, e.EXACT_CLIENT_SECRET, e.EXACT_DIVISION];
  if (given.every((value) => value === undefined)) return undefined;
  if (!e.EXACT_CLIENT_ID || !e.EXACT_CLIENT_SECRET || e.EXACT_DIVISION === undefined) {
    throw new ConfigError('set EXACT_CLIENT_ID, EXACT_CLIENT_SECRET and EXACT_DIVISION together, or none');
  }
  return {
    clientId: e.EXACT_CLIENT_ID,
    clientSecret: e.EXACT_CLIENT_SECRET,
    division: e.EXACT_DIVISION,
    initialRefreshToken: e.EXACT_REFRESH_TOKEN,
    baseUrl: e.EXACT_BASE_URL.replace(/\/$/, ''),
    journalCode: e.EXACT_JOURNAL_CODE,
  };
}

/** All three Google Wallet variables or none; the key must be an RSA private key, checked at start. */
function googleWallet(e: z.infer<typeof EnvSchema>): GoogleWalletConfig | undefined {
  const given = [
    e.GOOGLE_WALLET_ISSUER_ID,
    e.GOOGLE_WALLET_SERVICE_ACCOUNT_EMAIL,
    e.GOOGLE_WALLET_PRIVATE_KEY,
  ];
  if (given.every((value) => !value)) return undefined;
  if (!e.GOOGLE_WALLET_ISSUER_ID || !e.GOOGLE_WALLET_SERVICE_ACCOUNT_EMAIL || !e.GOOGLE_WALLET_PRIVATE_KEY) {
    throw new ConfigError(
      'set GOOGLE_WALLET_ISSUER_ID, GOOGLE_WALLET_SERVICE_ACCOUNT_EMAIL and GOOGLE_WALLET_PRIVATE_KEY together, or none',
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(e.GOOGLE_WALLET_PRIVATE_KEY.replace(/\\n/g, '\n'));
  } catch {
    throw new ConfigError('GOOGLE_WALLET_PRIVATE_KEY is not a PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new ConfigError('GOOGLE_WALLET_PRIVATE_KEY must be an RSA key (Google Wallet JWTs are RS256)');
  }
  return {
    issuerId: e.GOOGLE_WALLET_ISSUER_ID,
    serviceAccountEmail: e.GOOGLE_WALLET_SERVICE_ACCOUNT_EMAIL,
    privateKey,
    loyaltyClassSuffix: e.GOOGLE_WALLET_LOYALTY_CLASS_SUFFIX,
  };
}

/** `Name|line|line` → the name and at most six non-empty address lines. */
function statementIssuer(value: string): { name: string; lines: string[] } {
  const [name = 'IPAY', ...lines] = value.split('|').map((part) => part.trim());
  return { name: name || 'IPAY', lines: lines.filter(Boolean).slice(0, 6) };
}
