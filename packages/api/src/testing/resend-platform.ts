import { startFakeResend, type FakeResend } from './fake-resend';
import { createTestPlatform, type TestPlatform, type TestPlatformOptions } from './platform';
import { resendWebhookSecret } from './resend-events';

const RESEND_TEST_API_KEY = 're_test_platform';

/** A fake Resend, and the env that points a platform at it (key, URL, sender) with a fresh webhook secret. */
export interface TestResend {
  resend: FakeResend;
  /** The secret the platform verifies Resend's webhooks with; a test signs with another to forge. */
  secret: string;
  env: Record<string, string>;
}

export async function startTestResend(): Promise<TestResend> {
  const resend = await startFakeResend({ apiKey: RESEND_TEST_API_KEY });
  const secret = resendWebhookSecret();
  return {
    resend,
    secret,
    env: {
      RESEND_API_KEY: RESEND_TEST_API_KEY,
      RESEND_BASE_URL: resend.url,
      EMAIL_FROM: 'IPAY <noreply@ipay.example>',
      RESEND_WEBHOOK_SECRET: secret,
    },
  };
}

/**
 * A platform that sends its e-mail through a fake Resend and verifies Resend's webhooks; `options.env` adds to
 * (or overrides) the Resend env.
 */
export async function createResendTestPlatform(
  options: TestPlatformOptions = {},
): Promise<TestResend & { platform: TestPlatform; close: () => Promise<void> }> {
  const mail = await startTestResend();
  const platform = await createTestPlatform({ ...options, env: { ...mail.env, ...options.env } });
  return {
    ...mail,
    platform,
    close: async () => {
      await platform.close();
      await mail.resend.close();
    },
  };
}
