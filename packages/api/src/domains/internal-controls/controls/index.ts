import { DATA_INTEGRITY_CONTROLS } from './data-integrity';
import type { ControlDefinition } from './define';
import { FINANCE_BOOK_CONTROLS } from './finance-books';
import { PSP_CASH_CONTROLS } from './psp-cash';
import { PSP_HEALTH_CONTROLS } from './psp-health';
import { RECONCILIATION_CONTROLS } from './reconciliation';
import { SECURITY_CONTROLS } from './security';
import { SETTLEMENT_MATCH_CONTROLS } from './settlement-match';
import { WEBHOOK_CONTROLS } from './webhooks';

/** Every daily control, in the order the overview and the digest list them. */
export const CONTROLS: readonly ControlDefinition[] = [
  ...DATA_INTEGRITY_CONTROLS,
  ...SETTLEMENT_MATCH_CONTROLS,
  ...PSP_HEALTH_CONTROLS,
  ...WEBHOOK_CONTROLS,
  ...RECONCILIATION_CONTROLS,
  ...FINANCE_BOOK_CONTROLS,
  ...PSP_CASH_CONTROLS,
  ...SECURITY_CONTROLS,
];

export const CONTROLS_BY_ID: ReadonlyMap<string, ControlDefinition> = new Map(
  CONTROLS.map((control) => [control.id, control]),
);
