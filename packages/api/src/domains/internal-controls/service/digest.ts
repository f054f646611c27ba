import type { DbExecutor, DbTransaction } from '@ipay/db';
import { queueEmail } from '../../notifications/service';
import type { ControlResult, ControlStatus, Overview } from '../schemas';
import { getOverview } from './overview';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
// The auth domain's e-mail escaper is not one of its public faces; this is the same five-entity escape.
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}

const COLOURS: Record<ControlStatus, string> = { GREEN: '#0a7d32', AMBER: '#a15c00', RED: '#b3261e' };

export interface Digest {
  subject: string;
  text: string;
  html: string;
}

function needsAttention(control: ControlResult): boolean {
  return control.status !== 'GREEN';
}

function rowHtml(control: ControlResult): string {
  const evidence = control.evidence.slice(0, 5).join(', ') + (control.offenders > 5 ? ', …' : '');
  const approval = control.approval
    ? `approved by ${control.approval.initials}`
    : control.status === 'RED'
      ? 'needs approval'
      : '';
  return `<tr>
<td style="padding:6px;border-bottom:1px solid #ddd"><strong style="color:${COLOURS[control.status]}">${control.status}</strong></td>
<td style="padding:6px;border-bottom:1px solid #ddd">${escapeHtml(control.title)}<br><span style="font-size:12px;color:#555">${escapeHtml(control.controlId)} · owner ${escapeHtml(control.owner)}</span></td>
<td style="padding:6px;border-bottom:1px solid #ddd;text-align:right">${control.metric}</td>
<td style="padding:6px;border-bottom:1px solid #ddd;font-size:12px">${escapeHtml(evidence)}</td>
<td style="padding:6px;border-bottom:1px solid #ddd;font-size:12px">${escapeHtml(approval)}</td>
</tr>`;
}

/** The day's digest: counts, then every AMBER and RED control with its evidence; GREEN ones only counted. */
export function renderDigest(overview: Overview, overviewUrl: string): Digest {
  const { today } = overview;
  const { GREEN, AMBER, RED } = today.counts;
  const attention = today.controls.filter(needsAttention);
  const subject = `IPAY daily controls ${today.date}: ${RED} red, ${AMBER} amber, ${GREEN} green`;
  const textLines = attention.map(
    (c) =>
      `${c.status} ${c.controlId} (${c.metric}): ${c.title}${c.approval ? ` – approved by ${c.approval.initials}` : ''}`,
  );
  const text = [
    subject,
    '',
    ...(textLines.length ? textLines : ['Every control is GREEN.']),
    '',
    `Overview and approvals: ${overviewUrl}`,
  ].join('\n');
  const rows = attention.map(rowHtml).join('\n');
  const table = attention.length
    ? `<table style="border-collapse:collapse;width:100%;font-size:14px">
<thead><tr><th style="text-align:left;padding:6px">Status</th><th style="text-align:left;padding:6px">Control</th><th style="text-align:right;padding:6px">Metric</th><th style="text-align:left;padding:6px">Evidence</th><th style="text-align:left;padding:6px">Approval</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
    : '<p>Every control is GREEN.</p>';
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#111111;max-width:760px;margin:0 auto;padding:16px">
<h1 style="font-size:20px">Daily controls, ${escapeHtml(today.date)}</h1>
<p><strong style="color:${COLOURS.RED}">${RED} red</strong> · <strong style="color:${COLOURS.AMBER}">${AMBER} amber</strong> · <strong style="color:${COLOURS.GREEN}">${GREEN} green</strong> of ${today.controls.length} controls</p>
${table}
<p style="font-size:13px;color:#555555">A RED control needs a CFO’s approval: ${escapeHtml(overviewUrl)}</p>
</body>
</html>`;
  return { subject, text, html };
}

/** The finance group: active operator staff holding the finance or cfo role. */
async function financeGroup(db: DbExecutor): Promise<Array<{ id: string; email: string }>> {
  const rows = await db
    .selectFrom('users')
    .innerJoin('organizations', 'organizations.id', 'users.organization_id')
    .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .select(['users.id', 'users.email'])
    .distinct()
    .where('organizations.type', '=', 'operator')
    .where('users.status', '=', 'active')
    .where('users.removed_at', 'is', null)
    .where('roles.system_key', 'in', ['finance', 'cfo'])
    .orderBy('users.email')
    .execute();
  return rows;
}

/**
 * Queues the day's digest to each member of the finance group, once per member and day (the idempotency key
 * names the day and the user): the daily job may run again without a second e-mail.
 */
export async function queueDailyDigest(
  trx: DbTransaction,
  options: { now: Date; publicUrl: string },
): Promise<{ date: string; recipients: string[] }> {
  const overview = await getOverview(trx, options.now);
  const digest = renderDigest(overview, `${options.publicUrl}/api/internal-controls/overview`);
  const recipients = await financeGroup(trx);
  for (const member of recipients) {
    await queueEmail(trx, {
      to: member.email,
      ...digest,
      idempotencyKey: `internal-controls-digest:${overview.today.date}:${member.id}`,
    });
  }
  return { date: overview.today.date, recipients: recipients.map((member) => member.email) };
}
