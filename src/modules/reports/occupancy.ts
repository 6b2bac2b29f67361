// Occupancy: sold / capacity per screening (with what is held at this moment), per hall and per
// time slot (the local hour a show starts), for the screenings that start in the period (local days).
// capacity is the seats the show has (screening_seats), blocked ones included.
import type { Sql } from '../../db/client.ts';
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

const KEYS: Record<OccupancyGroup, { key: string; label: string; order: string }> = {
  screening: {
    key: 'x.id::text',
    label: "m.title || ', ' || th.name || ' / ' || h.name || ', ' || to_char(x.local_start, 'YYYY-MM-DD HH24:MI')",
    order: 'min(x.local_start), 1',
  },
  hall: { key: 'x.hall_id::text', label: "th.name || ' / ' || h.name", order: '1' },
  slot: { key: "to_char(x.local_start, 'HH24') || ':00'", label: "to_char(x.local_start, 'HH24') || ':00'", order: '1' },
};

export async function occupancyReport(sql: Sql, p: Period, group: OccupancyGroup, f: { theaterId?: number }): Promise<OccupancyRow[]> {
  const k = KEYS[group];
  const { rows } = await sql.query<OccupancyRow>(
    `WITH x AS (
       SELECT s.id, s.hall_id, s.theater_id, s.movie_id, (s.show_time AT TIME ZONE th.time_zone) AS local_start,
              c.capacity, c.sold, c.held
         FROM screenings s JOIN theaters th ON th.id = s.theater_id
         CROSS JOIN LATERAL (
           SELECT count(*)::int AS capacity, count(*) FILTER (WHERE ss.status = 'sold')::int AS sold,
                  count(*) FILTER (WHERE ss.status = 'held' AND ss.held_until > now())::int AS held
             FROM screening_seats ss WHERE ss.screening_id = s.id) c
        WHERE s.status <> 'cancelled'
          AND s.show_time >= ($1::date - 1)::timestamp AND s.show_time < ($2::date + 2)::timestamp
          AND (s.show_time AT TIME ZONE th.time_zone)::date BETWEEN $1::date AND $2::date
          AND ($3::int IS NULL OR s.theater_id = $3))
     SELECT ${k.key} AS key, min(${k.label}) AS label, count(*)::int AS screenings, sum(x.capacity)::int AS capacity,
            sum(x.sold)::int AS sold, sum(x.held)::int AS held,
            round(sum(x.sold)::numeric / nullif(sum(x.capacity), 0), 4)::float8 AS occupancy
       FROM x JOIN movies m ON m.id = x.movie_id JOIN theaters th ON th.id = x.theater_id JOIN halls h ON h.id = x.hall_id
      GROUP BY 1 ORDER BY ${k.order}`,
    [p.from, p.to, f.theaterId ?? null],
  );
  return rows.map((r) => ({ ...r, occupancy: r.occupancy ?? 0 }));
}
