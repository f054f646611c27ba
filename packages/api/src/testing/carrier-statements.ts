import { randomBytes } from 'node:crypto';
import type { DbExecutor } from '@ipay/db';
import { createEmailSender } from '../domains/notifications/email-sender';
import { sendQueuedEmail, type SendEmailOutcome } from '../domains/notifications/service';
import type { BilledCharges } from '../domains/carrier-reconciliation/schemas';
import type { TestPlatform } from './platform';

export type TestReconciliationStatus =
  'MATCHED' | 'MISMATCH' | 'UNMATCHED_IN_DB' | 'ACCOUNT_CHARGE' | 'DUPLICATE_ON_INVOICE';

export interface TestReconciliationLine {
  status: TestReconciliationStatus;
  billedMinor: number;
  /** Null: the engine had nothing to compare with (a parcel not ours, an account charge). */
  expectedMinor?: number | null;
  causes?: Array<'weight' | 'zone' | 'surcharge' | 'fuel' | 'price'>;
  trackingNumber?: string | null;
  invoiceNumber?: string;
  shipDate?: string | null;
  currency?: string;
}

export interface TestReconciliations {
  importId: string;
  /** The reconciliations' ids, in the order of the lines given. */
  ids: string[];
}

/**
 * An invoice import as matching leaves it: the carrier (created when new), the import, one invoice line per
 * reconciliation and the reconciliation rows with their statuses and deltas. Statements tests start from here
 * instead of running the matcher.
 */
export async function createTestReconciliations(
  db: DbExecutor,
  options: { carrier: string; carrierName?: string; fileName?: string; lines: TestReconciliationLine[] },
): Promise<TestReconciliations> {
  const { carrier } = options;
  await db
    .insertInto('tariff_carriers')
    .values({ code: carrier, name: options.carrierName ?? `${carrier} Carrier B.V.` })
    .onConflict((conflict) => conflict.column('code').doNothing())
    .execute();
  const upload = await db
    .insertInto('carrier_invoice_imports')
    .values({
      carrier_code: carrier,
      format: 'generic-csv',
      file_name: options.fileName ?? 'invoice.csv',
      status: 'imported',
      content_hash: randomBytes(32).toString('hex'),
      size_bytes: 1_000,
      rows: options.lines.length,
      lines: options.lines.length,
      imported_at: new Date(),
      matched_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (options.lines.length === 0) return { importId: upload.id, ids: [] };
  const billedBase = (amountMinor: number): BilledCharges => ({
    baseMinor: amountMinor,
    fuelMinor: 0,
    surchargeMinor: 0,
    otherMinor: 0,
    taxMinor: 0,
    baseCharges: 1,
    billedWeightGrams: null,
    zone: null,
    shipmentNumber: null,
    surcharges: [],
  });
  const lines = options.lines.map((line, index) => ({
    ...line,
    lineNumber: index + 1,
    invoiceNumber: line.invoiceNumber ?? 'INV-0001',
    currency: line.currency ?? 'EUR',
    trackingNumber:
      line.trackingNumber === undefined
        ? `1ZTEST${randomBytes(5).toString('hex').toUpperCase()}`
        : line.trackingNumber,
    shipDate: line.shipDate === undefined ? '2026-11-20' : line.shipDate,
    expectedMinor: line.expectedMinor === undefined ? null : line.expectedMinor,
  }));
  await db
    .insertInto('carrier_invoice_lines')
    .values(
      lines.map((line) => ({
        import_id: upload.id,
        line_number: line.lineNumber,
        source_row: line.lineNumber,
        invoice_number: line.invoiceNumber,
        invoice_date: '2026-11-28',
        tracking_number: line.trackingNumber,
        ship_date: line.shipDate,
        charge_kind: 'base' as const,
        charge_code: 'FRT',
        charge_description: 'Freight',
        amount_minor: line.billedMinor,
        currency: line.currency,
      })),
    )
    .execute();
  const rows = await db
    .insertInto('carrier_reconciliations')
    .values(
      lines.map((line) => ({
        import_id: upload.id,
        carrier_code: carrier,
        tracking_number: line.trackingNumber,
        status: line.status,
        mismatch_causes: line.causes ?? [],
        line_numbers: [line.lineNumber],
        invoice_number: line.invoiceNumber,
        ship_date: line.shipDate,
        currency: line.currency,
        billed_minor: line.billedMinor,
        expected_minor: line.expectedMinor,
        delta_minor: line.expectedMinor === null ? null : line.billedMinor - line.expectedMinor,
        billed: JSON.stringify(billedBase(line.billedMinor)),
        // The engine's breakdown is left out: these rows stand for what matching stored, not how it priced them.
        expected: null,
      })),
    )
    .returning(['id', 'line_numbers'])
    .execute();
  const byLine = new Map(rows.map((row) => [row.line_numbers[0], row.id]));
  return { importId: upload.id, ids: lines.map((line) => byLine.get(line.lineNumber) ?? '') };
}

/** Runs the outbox's send job for one e-mail once, as the worker would, with the platform's e-mail settings. */
export function runEmailJob(platform: TestPlatform, emailId: string): Promise<SendEmailOutcome> {
  return sendQueuedEmail(platform.database.db, {
    emailId,
    sender: createEmailSender(platform.config.email),
    from: platform.config.email.from,
    lastAttempt: false,
  });
}
