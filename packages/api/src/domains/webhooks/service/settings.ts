import { domainError } from '../../../errors/domain-codes';
import { WEBHOOK_ERRORS } from '../errors';
import { assertPublicUrl, UrlRefusedError } from '../url-guard';

/** What the webhook services need from the process: the key for secrets at rest and the URL policy. */
export interface WebhookSettings {
  encryptionKey: Buffer;
  /** WEBHOOK_ALLOW_PRIVATE_URLS: tests and local development only. */
  allowPrivateUrls: boolean;
}

/** A merchant-supplied URL must reach the public internet: a 400 naming `url` otherwise. */
export async function checkEndpointUrl(url: string, settings: WebhookSettings): Promise<void> {
  if (settings.allowPrivateUrls) return;
  try {
    await assertPublicUrl(url);
  } catch (error) {
    if (error instanceof UrlRefusedError)
      throw domainError(WEBHOOK_ERRORS, 'url_refused', `url: ${error.message}`, {
        errors: [{ field: 'url', message: error.message, code: error.code }],
      });
    throw error;
  }
}
