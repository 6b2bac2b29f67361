// What the gateway holds per payment: captured, refunded and what it keeps. Reconciliation compares
// this with the service's own books (captured - refunded here must equal what the database says).
import { minorToDecimal, toMinor } from '../lib/money.ts';
import type { GatewayPaymentStatus } from '../gateway/gateway.ts';
import type { PaymentRecord } from './store.ts';

export interface LedgerEntry {
  payment_id: string;
  reference: string;
  status: GatewayPaymentStatus;
  currency: string;
  amount: string;
  captured: string; // the amount once captured, else '0.00'
  refunded: string;
  net: string; // captured - refunded
}

export interface LedgerTotals {
  currency: string;
  payments: number;
  captured: string;
  refunded: string;
  net: string;
}

export function ledgerEntry(p: PaymentRecord): LedgerEntry {
  const captured = p.captured_at ? toMinor(p.amount) : 0;
  const refunded = toMinor(p.refunded_amount);
  return {
    payment_id: p.id,
    reference: p.reference,
    status: p.status,
    currency: p.currency,
    amount: p.amount,
    captured: minorToDecimal(captured),
    refunded: minorToDecimal(refunded),
    net: minorToDecimal(captured - refunded),
  };
}

/** Sums per currency, in integer minor units (never float sums). */
export function ledgerTotals(entries: LedgerEntry[]): LedgerTotals[] {
  const by = new Map<string, { payments: number; captured: number; refunded: number }>();
  for (const e of entries) {
    const t = by.get(e.currency) ?? { payments: 0, captured: 0, refunded: 0 };
    t.payments += 1;
    t.captured += toMinor(e.captured);
    t.refunded += toMinor(e.refunded);
    by.set(e.currency, t);
  }
  return [...by].map(([currency, t]) => ({
    currency,
    payments: t.payments,
    captured: minorToDecimal(t.captured),
    refunded: minorToDecimal(t.refunded),
    net: minorToDecimal(t.captured - t.refunded),
  }));
}
