import { z } from 'zod';
import { parseShopAnswer, type ShopApiSettings } from '../shop-api';
import { authenticateOdoo, executeKw, type OdooConnection } from './odoo-rpc';

const Many2one = z.union([z.tuple([z.number().int(), z.string()]), z.literal(false)]);
type Many2one = z.infer<typeof Many2one>;
const WithId = z.looseObject({ id: z.number().int() });

// Confirmed orders and cancellations; quotations (draft, sent) are not orders to ship yet.
const ORDER_DOMAIN = [['state', 'in', ['sale', 'done', 'cancel']]];
const ORDER_FIELDS = ['name', 'state', 'currency_id', 'partner_id', 'partner_shipping_id', 'order_line'];
const PARTNER_FIELDS = ['name', 'email', 'phone', 'street', 'street2', 'zip', 'city', 'country_code'];
const LINE_FIELDS = ['order_id', 'product_id', 'name', 'product_uom_qty', 'price_total', 'display_type'];

const idsOf = (values: Many2one[]) => [...new Set(values.flatMap((value) => (value ? [value[0]] : [])))];

/**
 * Reads the latest sale orders the way the Odoo mapper wants them: each sale.order record with its customer
 * (`partner`), its delivery address (`partner_shipping`) and its sale.order.line records (`lines`, each with
 * the product's `product_default_code`). Five calls after login, whatever the number of orders.
 */
export function odooOrderReader(connection: OdooConnection, settings: ShopApiSettings) {
  let uid: Promise<number> | undefined;
  const login = () => (uid ??= authenticateOdoo(connection, settings));
  const call = async (model: string, method: string, args: unknown[], kwargs: Record<string, unknown>) =>
    executeKw(connection, settings, await login(), { model, method, args, kwargs });
  const records = async <S extends z.ZodType>(schema: S, what: string, answer: Promise<unknown>) =>
    parseShopAnswer(z.array(schema), await answer, what);

  return {
    login,
    recent: async (limit: number): Promise<unknown[]> => {
      const orders = await records(
        WithId.extend({ partner_id: Many2one, partner_shipping_id: Many2one }),
        'sale.order list',
        call('sale.order', 'search_read', [ORDER_DOMAIN], {
          fields: ORDER_FIELDS,
          limit,
          order: 'date_order desc',
        }),
      );
      if (!orders.length) return [];
      const partnerIds = idsOf(orders.flatMap((o) => [o.partner_id, o.partner_shipping_id]));
      const partners = await records(
        WithId,
        'res.partner list',
        call('res.partner', 'read', [partnerIds], { fields: PARTNER_FIELDS }),
      );
      // is_delivery (the shipping line) exists only with the Delivery module: asking for a missing field fails.
      const deliveryField = parseShopAnswer(
        z.record(z.string(), z.unknown()),
        await call('sale.order.line', 'fields_get', [['is_delivery']], { attributes: ['type'] }),
        'sale.order.line fields',
      );
      const lines = await records(
        WithId.extend({ order_id: Many2one, product_id: Many2one }),
        'sale.order.line list',
        call('sale.order.line', 'search_read', [[['order_id', 'in', orders.map((o) => o.id)]]], {
          fields: 'is_delivery' in deliveryField ? [...LINE_FIELDS, 'is_delivery'] : LINE_FIELDS,
        }),
      );
      const productIds = idsOf(lines.map((l) => l.product_id));
      const products = productIds.length
        ? await records(
            WithId.extend({ default_code: z.union([z.string(), z.literal(false)]) }),
            'product.product list',
            call('product.product', 'read', [productIds], { fields: ['default_code'] }),
          )
        : [];

      const partnerById = new Map(partners.map((p) => [p.id, p]));
      const codeById = new Map(products.map((p) => [p.id, p.default_code]));
      return orders.map((order) => ({
        ...order,
        partner: order.partner_id ? partnerById.get(order.partner_id[0]) : undefined,
        partner_shipping: order.partner_shipping_id
          ? partnerById.get(order.partner_shipping_id[0])
          : undefined,
        lines: lines
          .filter((line) => line.order_id && line.order_id[0] === order.id)
          .map((line) => ({
            ...line,
            product_default_code: (line.product_id && codeById.get(line.product_id[0])) || false,
          })),
      }));
    },
  };
}
