import type { Sql } from '../../db/client.ts';

export interface PricingRows {
  theater: { id: number; pricing_version: number };
  surcharges: { seat_type: string; amount: string }[];
  rules: { id: number; name: string; days: string; starts_at: string | null; ends_at: string | null; adjustment: string }[];
}

export async function loadPricing(sql: Sql, theaterId: number, lock = false): Promise<PricingRows | undefined> {
  const { rows } = await sql.query<{ id: number; pricing_version: number }>(
    `SELECT id, pricing_version FROM theaters WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [theaterId],
  );
  if (!rows[0]) return undefined;
  const surcharges = await sql.query<{ seat_type: string; amount: string }>(
    'SELECT seat_type, amount::text AS amount FROM seat_type_surcharges WHERE theater_id = $1 ORDER BY seat_type',
    [theaterId],
  );
  const rules = await sql.query<PricingRows['rules'][number]>(
    `SELECT id, name, days, to_char(starts_at, 'HH24:MI') AS starts_at, to_char(ends_at, 'HH24:MI') AS ends_at,
            adjustment::text AS adjustment
       FROM price_rules WHERE theater_id = $1 ORDER BY id`,
    [theaterId],
  );
  return { theater: rows[0], surcharges: surcharges.rows, rules: rules.rows };
}

export async function replacePricing(
  sql: Sql,
  theaterId: number,
  surcharges: [string, string][],
  rules: { name: string; days: string; startsAt: string | null; endsAt: string | null; adjustment: string }[],
): Promise<void> {
  await sql.query('DELETE FROM seat_type_surcharges WHERE theater_id = $1', [theaterId]);
  await sql.query('DELETE FROM price_rules WHERE theater_id = $1', [theaterId]);
  if (surcharges.length > 0) {
    await sql.query(
      `INSERT INTO seat_type_surcharges (theater_id, seat_type, amount)
       SELECT $1, t, a::numeric FROM unnest($2::text[], $3::text[]) AS u(t, a)`,
      [theaterId, surcharges.map((s) => s[0]), surcharges.map((s) => s[1])],
    );
  }
  for (const r of rules) {
    await sql.query(
      `INSERT INTO price_rules (theater_id, name, days, starts_at, ends_at, adjustment)
       VALUES ($1, $2, $3, $4::time, $5::time, $6::numeric)`,
      [theaterId, r.name, r.days, r.startsAt, r.endsAt, r.adjustment],
    );
  }
  await sql.query('UPDATE theaters SET pricing_version = pricing_version + 1, updated_at = now() WHERE id = $1', [theaterId]);
}
