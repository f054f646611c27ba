import { z } from 'zod';

/** `{ message }` alone, or with Magento's `parameters` for its `%name` / `%1` placeholders. */
const Message = z.object({
  message: z.string(),
  parameters: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
});
const MessageList = z.array(z.object({ message: z.string() })).min(1);
const ErrorBody = z.union([
  // Problem details, as BigCommerce's API gateway answers `{ status, title, type, errors: {} }`
  z.object({ title: z.string(), detail: z.string().optional() }),
  // Shopify `{ errors: "…" }`; PrestaShop `{ errors: [{ code, message }] }`; Shopify validation `{ errors: {…} }`
  z.object({ errors: z.union([z.string(), MessageList, z.record(z.string(), z.unknown())]) }),
  // Lightspeed `{ error: { code, method, request, message } }`; others `{ error: "…" }`
  z.object({ error: z.union([z.string(), Message]) }),
  // Magento `{ message, parameters }`; WooCommerce `{ code, message }`
  Message,
  // BigCommerce V2 `[{ status, message }]`
  MessageList,
]);

function withParameters(message: z.infer<typeof Message>): string {
  const { parameters } = message;
  if (!parameters) return message.message;
  return message.message.replace(/%(\w+)/g, (whole, name: string) => {
    const value = Array.isArray(parameters) ? parameters[Number(name) - 1] : parameters[name];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : whole;
  });
}

const joined = (list: z.infer<typeof MessageList>) => list.map((item) => item.message).join('; ');

/** The human part of a shop platform's error answer, whichever of the platforms' shapes it has. */
export function providerMessage(body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return body.slice(0, 200);
  }
  const parsed = ErrorBody.safeParse(json);
  if (!parsed.success) return body.slice(0, 200);
  const error = parsed.data;
  if (Array.isArray(error)) return joined(error);
  if ('title' in error) return error.detail ?? error.title;
  if ('errors' in error) {
    if (typeof error.errors === 'string') return error.errors;
    return Array.isArray(error.errors) ? joined(error.errors) : JSON.stringify(error.errors);
  }
  if ('error' in error) return typeof error.error === 'string' ? error.error : withParameters(error.error);
  return withParameters(error);
}
