// A rolling deploy under load, for real (PostgreSQL + Redis, HAProxy): three instances behind the
// balancer are restarted one by one (SIGTERM: each drains, DRAIN_MS, while /readyz says 'draining'
// and the balancer takes it out; live seat maps are told to reconnect with 1012; in-flight requests
// finish) while readers and writers keep going through the balancer. Not one request fails, and
// every instance is a new process afterwards.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import WebSocket from 'ws';
import { type Cluster, clusterUnavailable, startCluster } from '../ops/cluster/cluster.ts';
import { freshDatabase, onPostgres, onRedis } from './helpers/runtime.ts';

const skip = clusterUnavailable(onPostgres, onRedis);

describe('a rolling deploy behind HAProxy', { skip }, () => {
  let cluster: Cluster;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  before(async () => {
    db = await freshDatabase();
    cluster = await startCluster({
      instances: 3,
      databaseUrl: db.url,
      redisUrl: String(process.env.REDIS_URL),
      // every request of this file comes from one address: the per-client limits are tested elsewhere
      env: {
        RATE_LIMIT_MAX: '100000000',
        AUTH_RATE_LIMIT: '100000',
        REGISTRATIONS_PER_HOUR: '100000',
        HOLD_RATE_PER_ACCOUNT: '100000000',
        HOLD_RATE_PER_ADDRESS: '100000000',
      },
    });
  });
  after(async () => {
    await cluster?.close();
    await db?.drop();
  });

  const send = async (method: string, path: string, body?: unknown, token?: string) => {
    const r = await fetch(`${cluster.url}/api/v1${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };

  test('every instance restarted in turn under reads, holds and a live viewer: 0 failed requests', async (t) => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query(
      `SELECT s.id FROM screenings s JOIN halls h ON h.id = s.hall_id
        WHERE s.status = 'scheduled' AND s.is_available AND s.show_time > now() + interval '6 hours' AND h.capacity >= 100
        ORDER BY s.show_time LIMIT 1`,
    );
    await c.end();
    const show = rows[0].id as number;
    const map = (await send('GET', `/screenings/${show}/seats`)).body.data;
    // a regular seat with two seats on each side in its row, in two rows: holding it strands nobody
    type Seat = { id: number; row: string; x: number; type: string };
    const seats = map.seats as Seat[];
    const at = (row: string, x: number) => seats.find((s) => s.row === row && s.x === x);
    const roomy = (s: Seat) => s.type === 'regular' && [-2, -1, 1, 2].every((d) => at(s.row, s.x + d)?.type === 'regular');
    const edges = [...new Set(seats.map((s) => s.row))]
      .map((row) => seats.find((s) => s.row === row && roomy(s)))
      .filter((s): s is Seat => s !== undefined)
      .slice(0, 2);
    assert.equal(edges.length, 2);
    const writers = await Promise.all(
      edges.map(async (_, i) => {
        const r = await send('POST', '/auth/register', {
          email: `roll${i}-${randomUUID().slice(0, 8)}@example.com`,
          password: 'long enough pw',
          full_name: `R${i}`,
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        return r.body.data.token as string;
      }),
    );
    const pidsBefore = cluster.instances.map((p) => p.child.pid);

    // a live viewer through the balancer: told to reconnect when its instance goes
    const closes: number[] = [];
    const viewer = new WebSocket(`${cluster.url.replace(/^http/, 'ws')}/api/v1/screenings/${show}/live?access_token=${writers[0]}`);
    viewer.on('close', (code) => closes.push(code));
    await new Promise((ok, fail) => {
      viewer.once('message', ok);
      viewer.once('error', fail);
    });

    const outcomes: string[] = [];
    let going = true;
    const record = (p: Promise<{ status: number }>, ok: number[]) =>
      p.then(
        (r) => void outcomes.push(ok.includes(r.status) ? 'ok' : `status ${r.status}`),
        (err: Error & { cause?: Error }) => void outcomes.push(`${err.message}: ${err.cause?.message}`),
      );
    const readers = Array.from({ length: 4 }, async () => {
      while (going) await record(send('GET', '/cities'), [200]);
    });
    const holders = writers.map(async (token, i) => {
      while (going) {
        const hold = await send('POST', `/screenings/${show}/holds`, { seat_ids: [edges[i].id] }, token).catch((err: Error) => ({
          status: 0,
          body: String(err),
        }));
        outcomes.push(hold.status === 201 ? 'ok' : `hold ${hold.status} ${JSON.stringify(hold.body)}`);
        if (hold.status === 201) await record(send('DELETE', `/holds/${hold.body.data.id}`, undefined, token), [200]);
      }
    });

    await new Promise((r) => setTimeout(r, 500));
    await cluster.rollingRestart();
    await new Promise((r) => setTimeout(r, 500));
    going = false;
    await Promise.all([...readers, ...holders]);
    viewer.close();

    const failed = outcomes.filter((o) => o !== 'ok');
    t.diagnostic(`${outcomes.length} requests during the deploy, ${failed.length} failed`);
    assert.deepEqual(failed, [], `${failed.length} of ${outcomes.length} requests failed`);
    assert.ok(outcomes.length > 200, `${outcomes.length} requests during the deploy`);
    assert.equal(closes[0], 1012, 'the live viewer was told to reconnect');
    const pidsAfter = cluster.instances.map((p) => p.child.pid);
    for (let i = 0; i < 3; i++) assert.notEqual(pidsAfter[i], pidsBefore[i], `api${i + 1} is a new process`);
    for (let i = 0; i < 3; i++) assert.ok(await cluster.inService(i), `api${i + 1} is back in the balancer`);
  });
});
