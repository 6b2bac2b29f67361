// A theater's day as its schedule page draws it: the halls (rows) and every screening that starts on
// that local day, or began the evening before and runs past midnight (blocks), closed and cancelled
// ones too, each with its version for If-Match and its
// seats sold, and the cleaning gap the overlap check keeps between two shows of a hall.
import type { Sql } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';

export interface DaySchedule {
  theater: { id: number; name: string; time_zone: string };
  date: string;
  cleaning_gap_minutes: number;
  halls: { id: number; name: string; supports_3d: boolean }[];
  screenings: {
    id: number;
    hall_id: number;
    movie_id: number;
    movie_title: string;
    show_time: string;
    end_time: string;
    local_start: string;
    local_end: string;
    /** minutes from the day's local midnight: negative for a show that began the evening before */
    start_minute: number;
    end_minute: number;
    status: 'scheduled' | 'cancelled';
    is_available: boolean;
    is_3d: boolean;
    price: number;
    sold_seats: number;
    version: number;
  }[];
}

export async function daySchedule(sql: Sql, theaterId: number, date: string, gapMinutes: number): Promise<DaySchedule> {
  const th = await sql.query<{ id: number; name: string; time_zone: string }>('SELECT id, name, time_zone FROM theaters WHERE id = $1', [theaterId]);
  if (!th.rows[0]) throw new AppError('theater_not_found');
  const halls = await sql.query<DaySchedule['halls'][number]>(
    'SELECT id, name, has_3d_capability AS supports_3d FROM halls WHERE theater_id = $1 ORDER BY name, id',
    [theaterId],
  );
  const shows = await sql.query<DaySchedule['screenings'][number]>(
    `SELECT s.id, s.hall_id, s.movie_id, m.title AS movie_title,
            to_char(s.show_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS show_time,
            to_char(s.end_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS end_time,
            to_char(s.show_time AT TIME ZONE $3, 'HH24:MI') AS local_start, to_char(s.end_time AT TIME ZONE $3, 'HH24:MI') AS local_end,
            floor(extract(epoch FROM s.show_time - (($2::date)::timestamp AT TIME ZONE $3)) / 60)::int AS start_minute,
            ceil(extract(epoch FROM s.end_time - (($2::date)::timestamp AT TIME ZONE $3)) / 60)::int AS end_minute,
            s.status, s.is_available, s.is_3d, s.price::float8 AS price, s.version,
            (SELECT count(*)::int FROM ticket_seats ts WHERE ts.screening_id = s.id AND ts.status = 'sold') AS sold_seats
       FROM screenings s JOIN movies m ON m.id = s.movie_id
      WHERE s.theater_id = $1
        -- the shows that start that day, and one from the evening before still running past midnight
        AND s.end_time > ($2::date)::timestamp AT TIME ZONE $3 AND s.show_time < ($2::date + 1)::timestamp AT TIME ZONE $3
      ORDER BY s.hall_id, s.show_time`,
    [theaterId, date, th.rows[0].time_zone],
  );
  return { theater: th.rows[0], date, cleaning_gap_minutes: gapMinutes, halls: halls.rows, screenings: shows.rows };
}
