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
  | {
      ok: false;
      statusCode: number | null;
      error: string;
      bodyExcerpt: string | null;
      /** The gateway refused this message itself (a bad number, a blocked originator): sending it again cannot help. */
      permanent: boolean;
    };

/** MessageBird's error body: `{ errors: [{ code, description, parameter }] }`. */
function gatewayMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { errors?: Array<{ description?: unknown; parameter?: unknown }> };
    const described = (body.errors ?? [])
      .map((e) =>
        typeof e.description === 'string'
          ? `${e.description}${typeof e.parameter === 'string' ? ` (${e.parameter})` : ''}`
          : undefined,
      )
      .filter(Boolean);
    return described.length ? described.join('; ') : undefined;
  } catch {
    return undefined;
  }
}

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
      const said = gatewayMessage(text);
      return {
        ok: false,
        statusCode: response.status,
        error: `The SMS gateway answered ${response.status}${said ? `: ${said}` : '.'}`,
        bodyExcerpt: text,
        // Busy, throttled or broken on its side is worth retrying; a refusal of the message is not.
        permanent: response.status >= 400 && response.status < 500 && ![408, 429].includes(response.status),
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
      permanent: false,
    };
  }
}
