import type { z } from 'zod';
import type { OrderColumn } from './column-mapping';

/**
 * What each upload column must hold, in a merchant's words. Every problem with a column is worded from this
 * one line, whatever the validator's own issue was (its messages, "Too small: expected number to be >=1",
 * are written for developers). The bounds are CreateOrderInput's.
 */
const EXPECTED: Record<OrderColumn, string> = {
  merchant_reference: 'your order number, at most 100 characters',
  customer_name: 'a name of at most 200 characters',
  customer_email: 'an e-mail address such as anna@example.nl',
  customer_phone: 'a phone number such as +31 6 12345678 (6 to 24 digits, spaces, brackets or dashes)',
  address_line1: 'a street and house number of at most 200 characters',
  address_line2: 'at most 200 characters',
  postal_code: 'a postal code of at most 20 characters',
  city: 'a place name of at most 100 characters',
  country: 'a two-letter country code such as NL',
  currency: 'a three-letter currency code such as EUR',
  carrier_code: 'a carrier code such as POSTNL or DHL (2 to 32 letters, digits, _ or -)',
  ipay_flag: 'yes or no (also true/false, ja/nee, oui/non, 1/0)',
  sku: 'an article number of at most 100 characters',
  item_name: 'a product name of at most 300 characters',
  quantity: 'a whole number of at least 1 and at most 100,000',
  unit_price_minor: 'a whole number of cents, 0 or more (1999 for 19.99)',
  shipping_minor: 'a whole number of cents, 0 or more (495 for 4.95)',
  weight_grams: 'a whole number of grams, at least 1 and at most 1,000,000',
  length_mm: 'a whole number of millimetres, at least 1 and at most 10,000',
  width_mm: 'a whole number of millimetres, at least 1 and at most 10,000',
  height_mm: 'a whole number of millimetres, at least 1 and at most 10,000',
};

const SHOWN_CHARACTERS = 40;

function shown(cell: string): string {
  return cell.length > SHOWN_CHARACTERS ? `${cell.slice(0, SHOWN_CHARACTERS)}…` : cell;
}

/** Why a column's cell is refused: it is empty, or it is not what the column holds (with what was found). */
export function columnReason(field: OrderColumn, cell: string | undefined): string {
  if (cell === undefined) return `${field} is empty: it must be ${EXPECTED[field]}`;
  return `${field} must be ${EXPECTED[field]}, not "${shown(cell)}"`;
}

/** A cell holding what cannot be text: a NUL byte, or bytes that are not UTF-8 (read as U+FFFD). */
export function unreadableReason(field: OrderColumn): string {
  return `${field} holds characters that are not text (a NUL byte or bytes that are not UTF-8); save the file as CSV UTF-8 or XLSX`;
}

/** An issue on no single column (the order's lines as a whole): worded from its kind, never its message. */
export function orderReason(path: string, issue: z.core.$ZodIssue): string {
  if (path === 'items' && issue.code === 'too_big') {
    return `the order has more than ${String(issue.maximum)} lines, the limit for one order`;
  }
  return `${path || 'the order'} is not valid`;
}
