// The report rollups' side in code (the rollups themselves are kept by the database:
// src/db/migrations/023, 025 and 026): folding deltas in, holding sales keys still while they
// are checked, and the drift check.
import type { Db, Sql } from '../../db/client.ts';

const BATCH = 20_000;

const SALES_SUMS = ['tickets', 'seats', 'gross', 'fees', 'refunds', 'refunded_seats'];
const TALLY_SUMS = ['capacity', 'sold_seats', 'sold_amount', 'live_tickets', 'checked_in_tickets', 'checked_in_seats'];
const REASON_SUMS = ['refunds', 'seats', 'amount'];
const add = (table: string, cols: string[]) => cols.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');
const sums = (cols: string[]) => cols.map((c) => `sum(${c})`).join(', ');

const FOLD_SALES = `WITH moved AS (
    DELETE FROM sales_rollup_delta WHERE id IN (SELECT id FROM sales_rollup_delta ORDER BY id LIMIT ${BATCH})
    RETURNING day, theater_id, hall_id, movie_id, method, ${SALES_SUMS.join(', ')}),
  folded AS (
    INSERT INTO sales_rollup (day, theater_id, hall_id, movie_id, method, ${SALES_SUMS.join(', ')})
    SELECT day, theater_id, hall_id, movie_id, method, ${sums(SALES_SUMS)} FROM moved GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (day, theater_id, hall_id, movie_id, method) DO UPDATE SET ${add('sales_rollup', SALES_SUMS)})
  SELECT count(*)::int AS n FROM moved`;

const FOLD_TALLY = `WITH moved AS (
    DELETE FROM screening_tally_delta WHERE id IN (SELECT id FROM screening_tally_delta ORDER BY id LIMIT ${BATCH})
    RETURNING screening_id, ${TALLY_SUMS.join(', ')}),
  folded AS (
    INSERT INTO screening_tally (screening_id, ${TALLY_SUMS.join(', ')})
    SELECT screening_id, ${sums(TALLY_SUMS)} FROM moved GROUP BY 1
    ON CONFLICT (screening_id) DO UPDATE SET ${add('screening_tally', TALLY_SUMS)})
  SELECT count(*)::int AS n FROM moved`;

const FOLD_REASONS = `WITH moved AS (
    DELETE FROM refund_reason_delta WHERE id IN (SELECT id FROM refund_reason_delta ORDER BY id LIMIT ${BATCH})
    RETURNING day, theater_id, reason, initiated_by, ${REASON_SUMS.join(', ')}),
  folded AS (
    INSERT INTO refund_reason_rollup (day, theater_id, reason, initiated_by, ${REASON_SUMS.join(', ')})
    SELECT day, theater_id, reason, initiated_by, ${sums(REASON_SUMS)} FROM moved GROUP BY 1, 2, 3, 4
    ON CONFLICT (day, theater_id, reason, initiated_by) DO UPDATE SET ${add('refund_reason_rollup', REASON_SUMS)})
  SELECT count(*)::int AS n FROM moved`;

/**
 * Folds the deltas into the rollups, in batches, each batch one transaction (the rows it deletes are
 * the rows it adds, so a report reading rollup + deltas sees them once, before or after). Two
 * instances folding at once each move different rows. Returns the delta rows moved.
 */
export async function compactRollups(db: Db): Promise<number> {
  let moved = 0;
  for (const sql of [FOLD_SALES, FOLD_TALLY, FOLD_REASONS]) {
    for (;;) {
      const n = await db.tx(async (trx) => (await trx.query<{ n: number }>(sql)).rows[0].n);
      moved += n;
      if (n < BATCH) break;
    }
  }
  return moved;
}

/**
 * Held by a change of the keys sales are filed under (a screening's movie, hall or theater, a
 * theater's time zone), after that row is locked and before it checks that nothing was sold: a sale
 * committing meanwhile files its delta first (and the check sees it) or after (under the new keys).
 */
export async function freezeSalesKeys(trx: Sql): Promise<void> {
  await trx.query('LOCK TABLE sales_rollup_delta IN SHARE MODE');
}

export interface RollupDrift {
  kind: 'sales' | 'screening' | 'keys' | 'reasons';
  key: string;
  ledger: Record<string, unknown> | null;
  rollup: Record<string, unknown> | null;
}

/** Where rollups + deltas differ from the ledger (none when exact); reads everything. */
export async function rollupDrift(sql: Sql): Promise<RollupDrift[]> {
  return (await sql.query<RollupDrift>('SELECT kind, key, ledger, rollup FROM report_rollups_drift() ORDER BY 1, 2')).rows;
}
