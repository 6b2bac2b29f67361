// Seat-state reads and admin writes for one screening. A held seat whose held_until has passed is
// available in every read and write here: a stopped sweeper leaks nothing.
import type { Sql } from '../../db/client.ts';

export interface SeatMapJson {
  /** the seat map's JSON text, or undefined when the screening does not exist */
  map: string | undefined;
  /** when the first live hold on the map runs out (the map changes then without a write) */
  nextExpiry: Date | null;
}

/** The whole seat map of a screening, built as JSON by PostgreSQL, prices from seat_prices(). */
export async function seatMapJson(sql: Sql, screeningId: number): Promise<SeatMapJson> {
  const { rows } = await sql.query<{ map: string; next_expiry: Date | null }>(
    `WITH sc AS (
       SELECT id, hall_id, theater_id, currency, seat_map_version,
              (show_time > now() AND is_available AND status = 'scheduled') AS on_sale
         FROM screenings WHERE id = $1),
     st AS (
       SELECT s.id, s.row_label, s.number, s.seat_type, s.x, s.y, s.pair_seat_id, s.companion_for_seat_id,
              CASE WHEN ss.status = 'held' AND ss.held_until <= now() THEN 'available' ELSE ss.status END AS status,
              ss.version, ss.held_until, sp.price
         FROM screening_seats ss
         JOIN seats s ON s.id = ss.seat_id
         JOIN seat_prices($1) sp ON sp.seat_id = ss.seat_id
        WHERE ss.screening_id = $1 AND s.is_active)
     SELECT json_build_object(
              'screening_id', sc.id,
              'version', sc.seat_map_version,
              'on_sale', sc.on_sale,
              'currency', sc.currency,
              'hall', (SELECT json_build_object('id', h.id, 'name', h.name, 'screen_type', h.screen_type,
                                                'screen', coalesce(h.layout ->> 'screen', 'top'),
                                                'aisles', coalesce(h.layout -> 'aisles', '[]'::jsonb))
                         FROM halls h WHERE h.id = sc.hall_id),
              'counts', (SELECT json_build_object(
                           'available', count(*) FILTER (WHERE status = 'available'),
                           'held', count(*) FILTER (WHERE status = 'held'),
                           'sold', count(*) FILTER (WHERE status = 'sold'),
                           'blocked', count(*) FILTER (WHERE status = 'blocked')) FROM st),
              'availability', (SELECT availability(count(*) FILTER (WHERE status = 'available')::int,
                                                   count(*) FILTER (WHERE status <> 'blocked')::int,
                                                   (SELECT t.sellout_alert_percents[1] FROM theaters t WHERE t.id = sc.theater_id))
                                 FROM st),
              -- seats by hand: compact text (json_build_object pads every key), trailing zeros
              -- trimmed from prices, links only where there are any. A 300-seat map is ~30 KB.
              'seats', (SELECT ('[' || coalesce(string_agg(
                           '{"id":' || id || ',"label":' || to_json(row_label || number)::text
                           || ',"row":' || to_json(row_label)::text || ',"number":' || number
                           || ',"type":"' || seat_type || '","x":' || x || ',"y":' || y
                           || ',"status":"' || status || '","price":' || trim_scale(price)::text
                           || CASE WHEN pair_seat_id IS NULL THEN '' ELSE ',"pair_seat_id":' || pair_seat_id END
                           || CASE WHEN companion_for_seat_id IS NULL THEN ''
                                   ELSE ',"companion_for_seat_id":' || companion_for_seat_id END
                           || '}', ',' ORDER BY y, x), '') || ']')::json FROM st)
            )::text AS map,
            (SELECT min(held_until) FROM st WHERE status = 'held') AS next_expiry
       FROM sc`,
    [screeningId],
  );
  return { map: rows[0]?.map, nextExpiry: rows[0]?.next_expiry ?? null };
}
