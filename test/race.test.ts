// The release-night race on real PostgreSQL (PGlite runs one transaction at a time and cannot show
// a race): two API processes, 500 customers over real HTTP holding random 1-4 seat groups of one
// 200-seat screening until it is sold out; then the same with Redis killed halfway.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { Agent, request } from 'undici';
import { claims, signHs256 } from './helpers/jwt.ts';
import { freePort, type Server, startServer, waitFor } from './helpers/process.ts';
import { startRedis } from '../ops/lib/redis-server.ts';
import { freshDatabase, onPostgres } from './helpers/runtime.ts';
import { DEMO } from '../src/db/seed/demo-ids.ts';

const SECRET = 'race-secret-0123456789abcdef0123456789abcdef';
const CUSTOMERS = 500;
const ROWS = 10;
const PER_ROW = 20;

interface Outcome {
  holds: { id: string; user: number; seats: number[] }[];
  refusals: Record<string, number>;
  fivexx: number;
  requests: number;
}

describe('race for one screening', { skip: !onPostgres && 'needs PostgreSQL: PGlite serialises transactions' }, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let sql: pg.Pool;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const servers: Server[] = [];
  let bases: string[] = [];
  let users: { id: number; token: string }[] = [];
  const agent = new Agent({ connections: 128, pipelining: 1, keepAliveTimeout: 10_000 });

  before(async () => {
    db = await freshDatabase();
    redis = await startRedis();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      JWT_SECRET: SECRET,
      AUTH_RATE_LIMIT: '1000000',
      // every racer comes from one loopback address and retries until it holds
      HOLD_RATE_PER_ACCOUNT: '1000000',
      HOLD_RATE_PER_ADDRESS: '1000000',
      RATE_LIMIT_MAX: '100000000',
      LOG_LEVEL: 'warn',
      DB_POOL_MAX: '10',
    };
    // the first instance migrates and seeds; the second joins the same database and Redis
    for (let i = 0; i < 2; i++) {
      const s = startServer(env, await freePort());
      await waitFor(`${s.base}/readyz`, 60_000);
      servers.push(s);
    }
    bases = servers.map((s) => s.base);
    sql = new pg.Pool({ connectionString: db.url, max: 4 });
    const { rows } = await sql.query<{ id: number }>(
      `INSERT INTO users (email, password_hash, full_name)
       SELECT 'racer' || g || '@example.com', 'x', 'Racer ' || g FROM generate_series(1, $1) g RETURNING id`,
      [CUSTOMERS],
    );
    const now = Math.floor(Date.now() / 1000);
    users = rows.map((r) => ({
      id: r.id,
      token: signHs256(claims({ sub: String(r.id), role: 'customer', email: `u${r.id}`, iat: now, exp: now + 3600 }), SECRET),
    }));
    // contention, not seat etiquette, is under test here
    await sql.query('UPDATE theaters SET orphan_seat_rule = false');
  });

  after(async () => {
    await agent.close();
    for (const s of servers) if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
    await sql?.end();
    await redis?.stop();
    await db?.drop();
  });

  /** A fresh 200-seat hall (10 x 20, no aisles) and a screening in it; returns screening and seat ids by row. */
  async function arena(name: string) {
    const admin = signHs256(claims({ exp: Math.floor(Date.now() / 1000) + 3600 }), SECRET);
    const layout = {
      aisles: [],
      rows: Array.from({ length: ROWS }, (_, y) => ({
        label: String.fromCharCode(65 + y),
        seats: Array.from({ length: PER_ROW }, (_, x) => ({ number: x + 1, x, y, type: 'regular' })),
      })),
    };
    const hall = await post(bases[0], '/api/v1/halls', admin, { theater_id: DEMO.theaters.grandIndonesia, name, layout });
    assert.equal(hall.status, 201, JSON.stringify(hall.body));
    const show = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const s = await post(bases[0], '/api/v1/screenings', admin, {
      movie_id: DEMO.movies.avengersEndgame,
      theater_id: DEMO.theaters.grandIndonesia,
      hall_id: hall.body.data.id,
      show_time: show,
      price: 50000,
    });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    const { rows } = await sql.query<{ id: number; y: number; x: number }>('SELECT id, y, x FROM seats WHERE hall_id = $1 ORDER BY y, x', [
      hall.body.data.id,
    ]);
    const byRow: number[][] = Array.from({ length: ROWS }, () => []);
    for (const r of rows) byRow[r.y][r.x] = r.id;
    return { screeningId: s.body.data.id as number, byRow };
  }

  async function post(base: string, path: string, token: string, body: unknown) {
    const r = await request(`${base}${path}`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: r.statusCode, body: (await r.body.json()) as any };
  }

  /**
   * Every customer tries random groups of 1-4 adjacent seats it believes free, through either
   * instance, until it holds one or believes the screening sold out. `midway` runs once, when half
   * the seats are held.
   */
  async function race(screeningId: number, byRow: number[][], midway?: () => Promise<void>): Promise<Outcome> {
    const out: Outcome = { holds: [], refusals: {}, fivexx: 0, requests: 0 };
    // What the crowd believes is gone: seats in 201s and seats PostgreSQL called taken. Seats refused
    // as busy (fast_path, contended) may come free again when the other attempt fails, so a client
    // only avoids those for itself, and anyone who runs out of choices re-reads the seat map.
    const believedTaken = new Set<number>();
    let heldSeats = 0;
    let midwayDone = !midway;
    const deadline = Date.now() + 90_000;
    const refresh = async () => {
      const r = await request(`${bases[0]}/api/v1/screenings/${screeningId}/seats`, { dispatcher: agent });
      const body = (await r.body.json()) as { data: { seats: { id: number; status: string }[] } };
      believedTaken.clear();
      for (const seat of body.data.seats) if (seat.status !== 'available') believedTaken.add(seat.id);
    };
    await Promise.all(
      users.map(async (u, i) => {
        await new Promise((r) => setTimeout(r, Math.random() * 1000));
        const avoid = new Set<number>();
        let refreshed = false;
        while (Date.now() < deadline) {
          const size = 1 + Math.floor(Math.random() * 4);
          const options: number[][] = [];
          for (const row of byRow) {
            for (let x = 0; x + size <= row.length; x++) {
              const group = row.slice(x, x + size);
              if (group.every((id) => !believedTaken.has(id) && !avoid.has(id))) options.push(group);
            }
          }
          if (options.length === 0) {
            if (size > 1) continue; // nothing this big: try smaller
            if (refreshed) return; // re-read the map once already: sold out for this client
            await refresh();
            avoid.clear();
            refreshed = true;
            continue;
          }
          refreshed = false;
          const group = options[Math.floor(Math.random() * options.length)];
          const r = await post(bases[(i + out.requests) % 2], `/api/v1/screenings/${screeningId}/holds`, u.token, { seat_ids: group });
          out.requests++;
          if (r.status === 201) {
            out.holds.push({ id: r.body.data.id, user: u.id, seats: r.body.data.seat_ids });
            for (const id of group) believedTaken.add(id);
            heldSeats += group.length;
            if (!midwayDone && heldSeats >= (ROWS * PER_ROW) / 2) {
              midwayDone = true;
              await midway?.();
            }
            return;
          }
          if (r.status >= 500) out.fivexx++;
          const key = `${r.body.code}${r.body.cause ? `:${r.body.cause}` : ''}`;
          out.refusals[key] = (out.refusals[key] ?? 0) + 1;
          for (const id of r.body.seat_ids ?? []) (r.body.cause === 'taken' ? believedTaken : avoid).add(id);
        }
      }),
    );
    return out;
  }

  async function verify(screeningId: number, out: Outcome) {
    const errors = servers
      .flatMap((s) =>
        s
          .output()
          .split('\n')
          .filter((l) => /"level":5\d/.test(l)),
      )
      .slice(0, 3);
    assert.equal(out.fivexx, 0, `no 5xx; server errors: ${errors.join('\n')}`);
    const doubles = await sql.query(
      `SELECT seat_id FROM holds, unnest(seat_ids) AS seat_id
        WHERE screening_id = $1 AND status = 'active' AND reserved_until > now()
        GROUP BY seat_id HAVING count(*) > 1`,
      [screeningId],
    );
    assert.equal(doubles.rowCount, 0, 'no seat in two active holds');
    // every 201 a client saw is in the database, holding exactly its seats
    const { rows } = await sql.query<{ hold_id: string; seats: number[] }>(
      `SELECT hold_id, array_agg(seat_id ORDER BY seat_id) AS seats FROM screening_seats
        WHERE screening_id = $1 AND status = 'held' GROUP BY hold_id`,
      [screeningId],
    );
    const inDb = new Map(rows.map((r) => [r.hold_id, r.seats]));
    for (const h of out.holds)
      assert.deepEqual(
        inDb.get(h.id),
        [...h.seats].sort((a, b) => a - b),
        `hold ${h.id}`,
      );
    assert.equal(inDb.size, out.holds.length, 'no hold the clients were not told about');
    const seatsHeld = out.holds.reduce((n, h) => n + h.seats.length, 0);
    assert.equal(seatsHeld, ROWS * PER_ROW, 'sold out');
    const free = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM screening_seats WHERE screening_id = $1 AND status = 'available'`, [
      screeningId,
    ]);
    assert.equal(free.rows[0].n, 0);
  }

  test('500 customers, two instances, Redis up: sold out, nothing held twice, every 201 real, no 5xx', async (t) => {
    const { screeningId, byRow } = await arena('Race Hall 1');
    const out = await race(screeningId, byRow);
    t.diagnostic(`requests ${out.requests}, holds ${out.holds.length}, refusals ${JSON.stringify(out.refusals)}`);
    await verify(screeningId, out);
    // the losers were turned away by Redis or PostgreSQL's conditional write, before the database's
    // unique constraint had to (a constraint error would have been a 5xx, and there are none)
    const refused = ['fast_path', 'contended', 'taken'].reduce((n, c) => n + (out.refusals[`seat_unavailable:${c}`] ?? 0), 0);
    assert.ok(refused > 0);
    assert.ok((out.refusals['seat_unavailable:fast_path'] ?? 0) > 0, 'with Redis up, the fast path turned some away');
  });

  test('the same race with Redis killed halfway: still sold out once, no 5xx', async (t) => {
    const { screeningId, byRow } = await arena('Race Hall 2');
    const out = await race(screeningId, byRow, () => redis.stop());
    t.diagnostic(`requests ${out.requests}, holds ${out.holds.length}, refusals ${JSON.stringify(out.refusals)}`);
    await verify(screeningId, out);
    assert.ok(
      (out.refusals['seat_unavailable:taken'] ?? 0) + (out.refusals['seat_unavailable:contended'] ?? 0) > 0,
      'PostgreSQL decided after Redis died',
    );
    for (const s of servers) {
      const r = await fetch(`${s.base}/readyz`);
      const body = (await r.json()) as { status: string; checks: { redis: { ok: boolean } } };
      assert.equal(r.status, 200, 'still serving without Redis');
      assert.equal(body.status, 'degraded');
      assert.equal(body.checks.redis.ok, false);
    }
  });
});
