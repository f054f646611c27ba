import { stringify } from 'csv-stringify/sync';

/**
 * The columns a bulk order upload accepts, in template order, with one example row. One row is one order
 * line; rows sharing a merchant_reference form one order.
 */
export const ORDER_CSV_COLUMNS = [
  { name: 'merchant_reference', example: 'SHOP-10001', required: true },
  { name: 'customer_name', example: 'Anna de Vries', required: true },
  { name: 'customer_email', example: 'anna@example.nl', required: true },
  { name: 'customer_phone', example: '+31 6 12345678', required: false },
  { name: 'address_line1', example: 'Keizersgracht 123', required: true },
  { name: 'address_line2', example: '', required: false },
  { name: 'postal_code', example: '1015 CJ', required: true },
  { name: 'city', example: 'Amsterdam', required: true },
  { name: 'country', example: 'NL', required: true },
  { name: 'currency', example: 'EUR', required: true },
  { name: 'carrier_code', example: 'POSTNL', required: true },
  { name: 'ipay_flag', example: 'true', required: false },
  { name: 'sku', example: 'TSHIRT-M-BLUE', required: true },
  { name: 'item_name', example: 'T-shirt blue size M', required: true },
  { name: 'quantity', example: '2', required: true },
  { name: 'unit_price_minor', example: '1999', required: true },
  { name: 'shipping_minor', example: '495', required: false },
  { name: 'weight_grams', example: '450', required: false },
  { name: 'length_mm', example: '300', required: false },
  { name: 'width_mm', example: '200', required: false },
  { name: 'height_mm', example: '50', required: false },
] as const;

export function orderCsvTemplate(): string {
  return stringify([ORDER_CSV_COLUMNS.map((c) => c.name), ORDER_CSV_COLUMNS.map((c) => c.example)]);
}
