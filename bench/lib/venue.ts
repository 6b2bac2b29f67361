// The venue every seat benchmark builds on its fresh database: an admin token, a theater of its own
// with orphan_seat_rule = false (contention is under test, not seat etiquette), one hall of
// rows x perRow regular seats made through the admin API, and `count` screenings one a day far past
// the demo schedule.
import { accessToken } from './customers.ts';
import { query } from './database.ts';
import { createHall, createScreening } from './hall.ts';

export interface Venue {
  adminAuth: Record<string, string>;
  theaterId: number;
  hallId: number;
  screenings: number[];
}

export async function createVenue(
  base: string,
  dbUrl: string,
  jwtSecret: string,
  o: { name: string; rows: number; perRow: number; count: number },
): Promise<Venue> {
  const admin = (await query<{ id: number; email: string }>(`SELECT id, email FROM users WHERE role = 'admin' ORDER BY id LIMIT 1`, [], dbUrl))
    .rows[0];
  const adminAuth = { authorization: `Bearer ${accessToken(jwtSecret, { ...admin, role: 'admin' })}` };
  const theaterId = (
    await query<{ id: number }>(
      `INSERT INTO theaters (city_id, name, address, orphan_seat_rule)
       SELECT min(id), $1, 'loopback', false FROM cities RETURNING id`,
      [`${o.name} Theater`],
      dbUrl,
    )
  ).rows[0].id;
  const movieId = (await query<{ id: number }>('SELECT min(id) AS id FROM movies', [], dbUrl)).rows[0].id;
  const hallId = await createHall(base, adminAuth, theaterId, `${o.name} Hall`, o.rows, o.perRow);
  const screenings: number[] = [];
  for (let i = 0; i < o.count; i++) {
    const showTime = new Date(Date.now() + (200 + i) * 86_400_000);
    screenings.push(await createScreening(base, adminAuth, { movieId, theaterId, hallId, showTime, price: 50_000 }));
  }
  return { adminAuth, theaterId, hallId, screenings };
}
