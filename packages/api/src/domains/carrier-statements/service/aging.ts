import type { DbExecutor } from '@ipay/db';
import { toTimestamp } from '../../../platform/time';
import type { EmailDeliveryStatus } from '../../notifications/schemas';
import { emailDeliveries } from '../../notifications/service';
import type { DataScope } from '../../rbac/catalogue';
import { AGING_BUCKETS, type AgingReport, type AgingReportInput } from '../schemas';
import { assertStatementReach } from './statements';

const DAY_MS = 86_400_000;

function bucketOf(ageDays: number): (typeof AGING_BUCKETS)[number]['key'] {
  const bucket = AGING_BUCKETS.find(
    (b) => ageDays >= b.fromDays && (b.toDays === null || ageDays < b.toDays),
  );
  return bucket?.key ?? '60+';
}

/** What Resend reported on each statement's last sent e-mail, read through the notifications domain. */
async function lastSendDelivery(
  db: DbExecutor,
  statementIds: string[],
): Promise<Map<string, EmailDeliveryStatus | null>> {
  if (statementIds.length === 0) return new Map();
  const sends = await db
    .selectFrom('carrier_statement_log')
    .distinctOn('statement_id')
    .select(['statement_id', 'email_id'])
    .where('statement_id', 'in', statementIds)
    .where('action', '=', 'sent')
    .where('email_id', 'is not', null)
    .orderBy('statement_id')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const deliveries = await emailDeliveries(
    db,
    sends.flatMap((send) => (send.email_id ? [send.email_id] : [])),
  );
  const byEmail = new Map(deliveries.map((delivery) => [delivery.id, delivery.deliveryStatus]));
  return new Map(sends.map((send) => [send.statement_id, byEmail.get(send.email_id ?? '') ?? null]));
}

/**
 * Open statements (sent, not yet credited in full) by age in whole days since first sent, in the buckets 0–7,
 * 7–30, 30–60 and 60+ (from inclusive, to exclusive), with what is outstanding (claimed − credited) per carrier
 * and currency. A statement first sent after `asOf` is not in the report.
 */
export async function agingReport(
  db: DbExecutor,
  request: { scope: DataScope; input: AgingReportInput },
): Promise<AgingReport> {
  assertStatementReach(request.scope);
  const asOf = request.input.asOf ? new Date(request.input.asOf) : new Date();
  let query = db
    .selectFrom('carrier_statements')
    .select([
      'id',
      'number',
      'carrier_code',
      'currency',
      'first_sent_at',
      'sent_claimed_minor',
      'credited_minor',
    ])
    .where('status', '=', 'open')
    .where('first_sent_at', '<=', asOf)
    .orderBy('carrier_code')
    .orderBy('currency')
    .orderBy('first_sent_at')
    .orderBy('id');
  if (request.input.carrier) query = query.where('carrier_code', '=', request.input.carrier);
  const open = await query.execute();
  const delivery = await lastSendDelivery(
    db,
    open.map((row) => row.id),
  );

  const statements = open.flatMap((row) => {
    if (!row.first_sent_at) return [];
    const ageDays = Math.floor((asOf.getTime() - row.first_sent_at.getTime()) / DAY_MS);
    const emailDelivery = delivery.get(row.id) ?? null;
    return [
      {
        id: row.id,
        number: row.number,
        carrier: row.carrier_code,
        currency: row.currency,
        firstSentAt: toTimestamp(row.first_sent_at),
        ageDays,
        bucket: bucketOf(ageDays),
        outstandingMinor: (row.sent_claimed_minor ?? 0) - row.credited_minor,
        emailDelivery,
        notDelivered: emailDelivery === 'bounced',
      },
    ];
  });
  const rows = new Map<string, AgingReport['rows'][number]>();
  for (const statement of statements) {
    const key = `${statement.carrier}/${statement.currency}`;
    const row = rows.get(key) ?? {
      carrier: statement.carrier,
      currency: statement.currency,
      buckets: AGING_BUCKETS.map((b) => ({ bucket: b.key, statements: 0, outstandingMinor: 0 })),
      statements: 0,
      outstandingMinor: 0,
      notDelivered: 0,
    };
    const cell = row.buckets.find((b) => b.bucket === statement.bucket);
    if (cell) {
      cell.statements += 1;
      cell.outstandingMinor += statement.outstandingMinor;
    }
    row.statements += 1;
    row.outstandingMinor += statement.outstandingMinor;
    if (statement.notDelivered) row.notDelivered += 1;
    rows.set(key, row);
  }
  return {
    asOf: toTimestamp(asOf),
    buckets: AGING_BUCKETS.map((b) => ({ key: b.key, fromDays: b.fromDays, toDays: b.toDays })),
    rows: [...rows.values()],
    statements,
  };
}
