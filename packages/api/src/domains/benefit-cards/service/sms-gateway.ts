/**
 * MessageBird's (Bird's) SMS REST API: `POST {SMS_API_URL}/messages` with `Authorization: AccessKey <key>`
 * and `{ originator, recipients, body }`; it answers 201 with the message's `id`.
 */
export interface SmsGatewaySettings {
  apiUrl: string;
  apiKey: string;
  originator: string;
}

export type SmsSendResult =
  | { ok: true; statusCode: number; providerMessageId: string | null }
  | { ok: false; statusCode: number | null; error: string; bodyExcerpt: string | null };

const TIMEOUT_MS = 10_000;

export async function sendSms(
  settings: SmsGatewaySettings,
  message: { to: string; text: string; reference: string },
): Promise<SmsSendResult> {
  try {
    const response = await fetch(`${settings.apiUrl}/messages`, {
      method: 'POST',
      headers: {
        authorization: `AccessKey ${settings.apiKey}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({
        originator: settings.originator,
        // MessageBird takes MSISDNs without the plus sign.
        recipients: [message.to.replace(/^\+/, '')],
        body: message.text,
        reference: message.reference,
      }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = (await response.text()).slice(0, 1024);
    if (response.status !== 200 && response.status !== 201) {
      return {
        ok: false,
        statusCode: response.status,
        error: `The SMS gateway answered ${response.status}.`,
        bodyExcerpt: text,
      };
    }
    let id: string | null = null;
    try {
      const body = JSON.parse(text) as { id?: unknown };
      id = typeof body.id === 'string' ? body.id : null;
    } catch {
      // A success without a readable id still means the gateway took the message.
    }
    return { ok: true, statusCode: response.status, providerMessageId: id };
  } catch (error) {
    return {
      ok: false,
      statusCode: null,
      error: error instanceof Error ? error.message : String(error),
      bodyExcerpt: null,
    };
  }
}
