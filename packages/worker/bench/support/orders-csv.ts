import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

interface Address {
  line1: string;
  postal: string;
  city: string;
  country: string;
}

interface Product {
  sku: string;
  name: string;
  price: number;
}

/** The n-th element, wrapping around: a deterministic spread without randomness. */
const pick = <T>(list: readonly [T, ...T[]], n: number): T => list[n % list.length] ?? list[0];

const NAMES: [string, ...string[]] = [
  'Anna de Vries',
  'Jürgen Müller',
  'Chloé Lambert',
  'Sven Jansen',
  'Marta Kowalska',
];
const ADDRESSES: [Address, ...Address[]] = [
  { line1: 'Keizersgracht 123', postal: '1015 CJ', city: 'Amsterdam', country: 'NL' },
  { line1: 'Hauptstraße 1', postal: '10115', city: 'Berlin', country: 'DE' },
  { line1: 'Rue de la Loi 16', postal: '1000', city: 'Bruxelles', country: 'BE' },
];
const CARRIERS: [string, ...string[]] = ['POSTNL', 'DHL', 'DPD'];
const PRODUCTS: [Product, ...Product[]] = [
  { sku: 'TSHIRT-M-BLUE', name: 'T-shirt blue size M', price: 1999 },
  { sku: 'SOCKS-3PACK', name: 'Socks, pack of three', price: 899 },
  { sku: 'MUG-CERAMIC', name: 'Ceramic mug', price: 1250 },
  { sku: 'CAP-BLACK', name: 'Cap black', price: 1495 },
];

/** Order-level cells are the same on every line of an order, as a shop export writes them. */
function cellsOf(order: number, line: number): Record<string, string> {
  const address = pick(ADDRESSES, order);
  const product = pick(PRODUCTS, order + line);
  return {
    merchant_reference: `BENCH-${String(order).padStart(7, '0')}`,
    customer_name: pick(NAMES, order),
    customer_email: `customer${order}@example.nl`,
    customer_phone: `+31 6 ${String(10_000_000 + (order % 89_999_999))}`,
    address_line1: address.line1,
    address_line2: order % 4 === 0 ? 'bis' : '',
    postal_code: address.postal,
    city: address.city,
    country: address.country,
    currency: 'EUR',
    carrier_code: pick(CARRIERS, order),
    ipay_flag: order % 5 === 0 ? 'false' : 'true',
    sku: product.sku,
    item_name: product.name,
    quantity: String(1 + ((order + line) % 3)),
    unit_price_minor: String(product.price),
    shipping_minor: '495',
    weight_grams: String(250 + (order % 7) * 100),
    length_mm: '300',
    width_mm: '200',
    height_mm: '50',
  };
}

const quote = (cell: string) => (/[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/**
 * Writes `rows` order lines under `headers` (the sample CSV's columns) to `file`, streamed: one to three lines
 * per order (two on average), every row valid. Returns the number of orders.
 */
export async function writeOrdersCsv(file: string, headers: string[], rows: number): Promise<number> {
  const out = createWriteStream(file);
  const write = async (cells: string[]) => {
    if (!out.write(cells.map(quote).join(',') + '\n')) await once(out, 'drain');
  };
  await write(headers);
  let written = 0;
  let order = 0;
  for (; written < rows; order += 1) {
    const lines = Math.min(1 + (order % 3), rows - written);
    for (let line = 0; line < lines; line += 1) {
      const values = cellsOf(order, line);
      await write(
        headers.map((header) => {
          const value = values[header];
          if (value === undefined) throw new Error(`the benchmark has no value for column ${header}`);
          return value;
        }),
      );
    }
    written += lines;
  }
  out.end();
  await once(out, 'finish');
  return order;
}
