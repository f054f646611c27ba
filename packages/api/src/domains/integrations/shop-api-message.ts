import { z } from 'zod';

const Text = z.string().min(1);
/** `{ message }` alone, or with Magento's `parameters` for its `%name` / `%1` placeholders. */
const Message = z.object({
  message: z.string(),
  parameters: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
});
const MessageList = z.array(z.object({ message: z.string() })).min(1);
// JSON:API errors, as Shopware answers `{ errors: [{ code, status, title, detail }] }`.
const JsonApiErrors = z.array(z.looseObject({ title: Text.optional(), detail: Text.optional() })).min(1);
function withParameters(message: z.infer<typeof Message>): string {
  const { parameters } = message;
  if (!parameters) return message.message;
  return message.message.replace(/%(\w+)/g, (whole, name: string) => {
    const value = Array.isArray(parameters) ? parameters[Number(name) - 1] : parameters[name];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : whole;
  });
}

const joined = (list: z.infer<typeof MessageList>) => list.map((item) => item.message).join('; ');
const titled = (item: { title?: string; detail?: string }) =>
  [item.title, item.detail].filter(Boolean).join(': ');

function reader<S extends z.ZodType>(schema: S, message: (body: z.infer<S>) => string) {
  return (json: unknown) => {
    const parsed = schema.safeParse(json);
    return parsed.success ? message(parsed.data) : undefined;
  };
}

/** The error shapes platforms answer with, most specific first. */
const READERS = [
  // OAuth 2 token endpoints (bol.com, Shopware) `{ error: "invalid_client", error_description }`
  reader(
    z.object({ error: z.string(), error_description: Text }),
    (e) => `${e.error}: ${e.error_description}`,
  ),
  // Picqer `{ error: true, error_code, error_message }`
  reader(z.object({ error_message: Text }), (e) => e.error_message),
  // Problem details: bol.com `{ type, title, status, detail }`; BigCommerce's gateway `{ status, title, errors }`
  reader(z.object({ title: Text, detail: Text.optional() }), titled),
  // Shopify `{ errors: "…" }`; PrestaShop `{ errors: [{ code, message }] }`
  reader(z.object({ errors: z.union([z.string(), MessageList]) }), (e) =>
    typeof e.errors === 'string' ? e.errors : joined(e.errors),
  ),
  reader(z.object({ errors: JsonApiErrors }), (e) => e.errors.map(titled).join('; ')),
  // Shopify validation `{ errors: { field: [...] } }`
  reader(z.object({ errors: z.record(z.string(), z.unknown()) }), (e) => JSON.stringify(e.errors)),
  // Lightspeed `{ error: { code, method, request, message } }`; others `{ error: "…" }`
  reader(z.object({ error: z.union([z.string(), Message]) }), (e) =>
    typeof e.error === 'string' ? e.error : withParameters(e.error),
  ),
  // Magento `{ message, parameters }`; WooCommerce `{ code, message }`
  reader(Message, withParameters),
  // BigCommerce V2 `[{ status, message }]`
  reader(MessageList, joined),
];

/** The human part of a shop platform's error answer, whichever of the platforms' shapes it has. */
export function providerMessage(body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return body.slice(0, 200);
  }
  for (const read of READERS) {
    const message = read(json);
    if (message) return message;
  }
  return body.slice(0, 200);
}
