// Payment methods are data (table payment_methods: name and fee rule); which ones customers may
// choose is configuration (PAYMENT_METHODS).
import type { Static } from 'typebox';
import type { Deps } from '../../deps.ts';
import type { Sql } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { decimalToNumber } from '../../lib/money.ts';
import type { PaymentMethod } from '../../gateway/gateway.ts';
import type { FeeRule } from './fees.ts';
import type { MethodSchema } from './schemas.ts';

export interface MethodRow extends FeeRule {
  code: PaymentMethod;
  name: string;
  sort: number;
}

async function methodRows(sql: Sql): Promise<MethodRow[]> {
  const { rows } = await sql.query<MethodRow>(
    'SELECT code, name, fee_fixed::text AS fee_fixed, fee_rate_bp, sort FROM payment_methods ORDER BY sort, code',
  );
  return rows;
}

/** The enabled methods with their fee rules, in display order. */
export async function enabledMethods(deps: Deps): Promise<MethodRow[]> {
  return (await methodRows(deps.db)).filter((m) => deps.config.paymentMethods.includes(m.code));
}

/** The rule of an enabled method, or 400 payment_method_unavailable. */
export async function enabledMethod(deps: Deps, code: string): Promise<MethodRow> {
  const m = deps.config.paymentMethods.includes(code as PaymentMethod) ? (await methodRows(deps.db)).find((r) => r.code === code) : undefined;
  if (!m) {
    throw new AppError('payment_method_unavailable', `Payment method ${code} is not available`, {
      payment_method: code,
      available: deps.config.paymentMethods,
    });
  }
  return m;
}

export function presentMethod(m: MethodRow): Static<typeof MethodSchema> {
  return {
    code: m.code,
    name: m.name,
    fee: {
      fixed: decimalToNumber(m.fee_fixed) as number,
      rate_bp: m.fee_rate_bp,
      description: describeFee(m),
    },
  };
}

function describeFee(m: MethodRow): string {
  const fixed = decimalToNumber(m.fee_fixed) as number;
  const rate = m.fee_rate_bp > 0 ? `${(m.fee_rate_bp / 100).toString()} %` : '';
  if (fixed > 0 && rate) return `${rate} + ${fixed}`;
  if (rate) return rate;
  return fixed > 0 ? `${fixed}` : 'free';
}
