// Occupancy: sold / capacity per screening (with what is held at this moment), per hall and per
// time slot (the local hour a show starts), for the screenings that start in the period (local days).
// capacity is the seats the show has (screening_seats), blocked ones included. Capacity and seats
// sold come from the per-screening tally the database keeps exact (migrations/023_report_rollups.sql),
// with the screening's keys on it (025_screening_tally_keys.sql); seats held are counted live, for
// the shows that have not ended.
import type { Sql } from '../../db/client.ts';
import type { TimeKey } from '../../http/paging.ts';
import type { Period } from './period.ts';

export const OCCUPANCY_GROUPS = ['screening', 'hall', 'slot'] as const;
export type OccupancyGroup = (typeof OCCUPANCY_GROUPS)[number];

export interface OccupancyRow {
  key: string;
  label: string;
  screenings: number;
  capacity: number;
  sold: number;
  held: number;
  /** sold / capacity, 0-1, 4 decimals */
  occupancy: number;
}

// the group's key in the screenings, and its label once grouped
const KEYS: Record<Exclude<OccupancyGroup, 'screening'>, { key: string; label: string; join: string }> = {
  hall: { key: 'x.hall_id', label: "th.name || ' / ' || h.name", join: 'JOIN halls h ON h.id = g.key JOIN theaters th ON th.id = h.theater_id' },
  slot: { key: "lpad(x.local_hour::text, 2, '0') || ':00'", label: 'g.key', join: '' },
};

const DELTAS = `SELECT sum(capacity) AS capacity, sum(sold_seats) AS sold_seats, sum(sold_amount) AS sold_amount,
                       sum(live_tickets) AS live_tickets, sum(checked_in_tickets) AS checked_in_tickets
                  FROM screening_tally_delta`;
const TALLIED = `t.capacity + coalesce(d.capacity, 0) AS capacity, t.sold_seats + coalesce(d.sold_seats, 0) AS sold,
         t.sold_amount + coalesce(d.sold_amount, 0) AS sold_amount, t.live_tickets + coalesce(d.live_tickets, 0) AS live_tickets,
         t.checked_in_tickets + coalesce(d.checked_in_tickets, 0) AS checked_in_tickets`;
// the screenings (not cancelled) that start in the period's local days ($1 from, $2 to, $3 theater):
// the tally carries each one's theater-local day (migrations/025_screening_tally_keys.sql)
const IN_PERIOD = 't.counted AND t.local_day BETWEEN $1::date AND $2::date AND ($3::int IS NULL OR t.theater_id = $3)';

/** The period's screenings (not cancelled) with their tally; $1 from, $2 to, $3 theater. One pass over the tally. */
export const SCREENINGS_WITH_TALLY = `
  SELECT t.screening_id AS id, t.hall_id, t.theater_id, t.movie_id, t.show_time, t.end_time, t.local_hour, ${TALLIED}
    FROM screening_tally t
    LEFT JOIN (SELECT screening_id, ${DELTAS.slice(7)} GROUP BY 1) d ON d.screening_id = t.screening_id
   WHERE ${IN_PERIOD}`;

const HELD = `CASE WHEN x.end_time > now() THEN (SELECT count(*) FROM screening_seats ss
                WHERE ss.screening_id = x.id AND ss.status = 'held' AND ss.held_until > now()) ELSE 0 END`;

export async function occupancyReport(
  sql: Sql,
  p: Period,
  group: Exclude<OccupancyGroup, 'screening'>,
  f: { theaterId?: number },
): Promise<OccupancyRow[]> {
  const k = KEYS[group];
  const { rows } = await sql.query<OccupancyRow>(
    `WITH x AS (${SCREENINGS_WITH_TALLY}),
     g AS (SELECT ${k.key} AS key, count(*)::int AS screenings, sum(x.capacity)::int AS capacity, sum(x.sold)::int AS sold,
                  sum(${HELD})::int AS held FROM x GROUP BY 1)
     SELECT g.key::text AS key, ${k.label} AS label, g.screenings, g.capacity, g.sold, g.held,
            round(g.sold::numeric / nullif(g.capacity, 0), 4)::float8 AS occupancy
       FROM g ${k.join} ORDER BY g.key`,
    [p.from, p.to, f.theaterId ?? null],
  );
  return rows.map((r) => ({ ...r, occupancy: r.occupancy ?? 0 }));
}

/**
 * One screening a row, in start order (show_time, id), `limit` at a time after `after` (a cursor's
 * key); limit undefined: all of them (the CSV). Returns the rows and the key of the last one when more follow.
 */
export async function occupancyByScreening(
  sql: Sql,
  p: Period,
  f: { theaterId?: number },
  page: { limit?: number; after?: TimeKey },
): Promise<{ rows: OccupancyRow[]; next: TimeKey | null }> {
  // the page first, in start order (the show_time index, stopping at limit + 1), then its tallies
  const { rows } = await sql.query<OccupancyRow & { show_time: Date; id: number }>(
    `WITH x AS (SELECT t.screening_id AS id, t.hall_id, t.theater_id, t.movie_id, t.show_time, t.end_time
             FROM screening_tally t
            WHERE ${IN_PERIOD}
              -- the local days' bounds in time, wide enough for any zone: lets the start index be walked
              AND t.show_time >= ($1::date - 2)::timestamp AT TIME ZONE 'UTC' AND t.show_time < ($2::date + 3)::timestamp AT TIME ZONE 'UTC'
              AND ($4::timestamptz IS NULL OR (t.show_time, t.screening_id) > ($4::timestamptz, $5::int))
            ORDER BY t.show_time, t.screening_id ${page.limit === undefined ? '' : 'LIMIT $6::int + 1'}),
     y AS (SELECT x.*, ${TALLIED} FROM x JOIN screening_tally t ON t.screening_id = x.id
             LEFT JOIN LATERAL (${DELTAS} WHERE screening_id = x.id) d ON true)
     SELECT y.id, y.show_time, y.id::text AS key,
            m.title || ', ' || th.name || ' / ' || h.name || ', ' || to_char(y.show_time AT TIME ZONE th.time_zone, 'YYYY-MM-DD HH24:MI') AS label,
            1 AS screenings, y.capacity::int AS capacity, y.sold::int AS sold, (${HELD.replaceAll('x.', 'y.')})::int AS held,
            round(y.sold::numeric / nullif(y.capacity, 0), 4)::float8 AS occupancy
       FROM y JOIN movies m ON m.id = y.movie_id JOIN theaters th ON th.id = y.theater_id JOIN halls h ON h.id = y.hall_id
      ORDER BY y.show_time, y.id`,
    [p.from, p.to, f.theaterId ?? null, page.after?.showTime ?? null, page.after?.id ?? null, ...(page.limit === undefined ? [] : [page.limit])],
  );
  const more = page.limit !== undefined && rows.length > page.limit;
  const kept = more ? rows.slice(0, page.limit) : rows;
  const last = kept.at(-1);
  return {
    rows: kept.map(({ show_time: _t, id: _i, ...r }) => ({ ...r, occupancy: r.occupancy ?? 0 })),
    next: more && last ? { showTime: last.show_time.toISOString(), id: last.id } : null,
  };
}
