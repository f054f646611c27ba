import type { Selectable } from 'kysely';
import type { CarrierInvoiceLinesTable } from '@ipay/db';
import type { CostBreakdown } from '../../carrier-tariffs/service/compute-shipment-cost';
import type { BilledCharges, MismatchCause, ReconciliationStatus } from '../schemas';

/** One invoice line as matching reads it: a row of `carrier_invoice_lines` without its import and source row. */
export type MatchLine = Omit<Selectable<CarrierInvoiceLinesTable>, 'import_id' | 'source_row'>;

/** What the invoice billed for one parcel, by charge kind. */
export function billedCharges(lines: readonly MatchLine[]): BilledCharges {
  const billed: BilledCharges = {
    baseMinor: 0,
    fuelMinor: 0,
    surchargeMinor: 0,
    otherMinor: 0,
    taxMinor: 0,
    baseCharges: 0,
    billedWeightGrams: null,
    zone: null,
    shipmentNumber: null,
    surcharges: [],
  };
  for (const line of lines) {
    const amount = line.amount_minor;
    switch (line.charge_kind) {
      case 'base':
        billed.baseMinor += amount;
        // A credit of the base cancels a charge: a rebilled parcel (charge, credit, charge) is billed once.
        billed.baseCharges += Math.sign(amount);
        break;
      case 'fuel':
        billed.fuelMinor += amount;
        break;
      case 'surcharge':
        billed.surchargeMinor += amount;
        billed.surcharges.push({
          code: line.charge_code,
          description: line.charge_description,
          amountMinor: amount,
        });
        break;
      case 'tax':
        billed.taxMinor += amount;
        break;
      case 'other':
        billed.otherMinor += amount;
        break;
    }
    if (line.billed_weight_grams !== null) {
      billed.billedWeightGrams = Math.max(billed.billedWeightGrams ?? 0, line.billed_weight_grams);
    }
    billed.zone ??= line.zone;
    billed.shipmentNumber ??= line.shipment_number;
  }
  return billed;
}

/** Every charge billed but taxes: what is compared with the engine's total (which is net of tax). */
export function billedTotal(billed: BilledCharges): number {
  return billed.baseMinor + billed.fuelMinor + billed.surchargeMinor + billed.otherMinor;
}

/** Zones compare without case, spaces or leading zeros: UPS writes zone 4 as "004". */
function normaliseZone(zone: string): string {
  return zone
    .toUpperCase()
    .replace(/\s/g, '')
    .replace(/^0+(?=.)/, '');
}

/** Carriers bill in whole kilograms, pounds or ounces: a difference within 1 % (at least 10 g) is conversion. */
function weightDiffers(billedGrams: number, chargeableGrams: number): boolean {
  return Math.abs(billedGrams - chargeableGrams) > Math.max(10, chargeableGrams / 100);
}

export interface Comparison {
  status: Extract<ReconciliationStatus, 'MATCHED' | 'MISMATCH'>;
  causes: MismatchCause[];
  detail: string | null;
}

/** An amount as people read it, in the currency's own exponent (EUR 2, JPY 0). */
function money(minor: number, currency: string): string {
  const exponent =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return (minor / 10 ** exponent).toFixed(exponent);
}

/**
 * Billed against expected for one parcel. Within the tolerance on the total: MATCHED. Otherwise each difference
 * is named: the billed weight is not the chargeable weight (weight), the invoice's zone is not the engine's
 * (zone), the surcharges or the fuel differ beyond the tolerance (surcharge, fuel); a base price that differs
 * for neither weight nor zone, or a total that differs for none of these, is `price`.
 */
export function compareCharges(
  billed: BilledCharges,
  expected: CostBreakdown,
  toleranceMinor: number,
): Comparison {
  const delta = billedTotal(billed) - expected.totalMinor;
  if (Math.abs(delta) <= toleranceMinor) return { status: 'MATCHED', causes: [], detail: null };
  const causes: MismatchCause[] = [];
  const amount = (minor: number) => money(minor, expected.currency);
  const notes: string[] = [];
  const chargeable = expected.weight.chargeableGrams;
  if (billed.billedWeightGrams !== null && weightDiffers(billed.billedWeightGrams, chargeable)) {
    causes.push('weight');
    notes.push(`billed weight ${billed.billedWeightGrams} g, chargeable ${chargeable} g`);
  }
  if (billed.zone !== null && normaliseZone(billed.zone) !== normaliseZone(expected.zone)) {
    causes.push('zone');
    notes.push(`invoice zone ${billed.zone}, tariff zone ${expected.zone}`);
  }
  const expectedSurcharges = expected.surcharges.reduce((sum, s) => sum + s.amountMinor, 0);
  if (Math.abs(billed.surchargeMinor - expectedSurcharges) > toleranceMinor) {
    causes.push('surcharge');
    notes.push(`surcharges ${amount(billed.surchargeMinor)} billed, ${amount(expectedSurcharges)} expected`);
  }
  if (Math.abs(billed.fuelMinor - expected.fuel.amountMinor) > toleranceMinor) {
    causes.push('fuel');
    notes.push(`fuel ${amount(billed.fuelMinor)} billed, ${amount(expected.fuel.amountMinor)} expected`);
  }
  const baseDiffers = Math.abs(billed.baseMinor - expected.baseMinor) > toleranceMinor;
  const explained = causes.includes('weight') || causes.includes('zone');
  if ((baseDiffers && !explained) || !causes.length) {
    causes.push('price');
    notes.push(`base ${amount(billed.baseMinor)} billed, ${amount(expected.baseMinor)} expected`);
  }
  return {
    status: 'MISMATCH',
    causes,
    detail: `${delta > 0 ? 'Over' : 'Under'}billed by ${amount(Math.abs(delta))} ${expected.currency}: ${notes.join('; ')}.`,
  };
}
