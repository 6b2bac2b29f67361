// The release-night deployment for real (PostgreSQL + Redis, HAProxy from Debian): three API
// instances behind the balancer (ops/cluster/cluster.ts), the gateway simulator as its own process.
// Requests reach every instance, over connections the balancer keeps and reuses; a live seat map over a WebSocket through the balancer hears a hold
// made through the balancer; a purchase goes through the balancer end to end (the gateway's webhook
// comes back through it); an instance SIGKILLed costs no failed request, the balancer's health
// check takes it out, and it is back in once restarted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { Agent, request as undiciRequest } from 'undici';
import { clusterUnavailable, startCluster, type Cluster } from '../ops/cluster/cluster.ts';
import { liveClient } from './helpers/live-client.ts';
import { freshDatabase, onPostgres, onRedis } from './helpers/runtime.ts';

const skip = clusterUnavailable(onPostgres, onRedis);

describe('three instances behind HAProxy', { skip }, () => {
  let cluster: Cluster;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  before(async () => {
    db = await freshDatabase();
    cluster = await startCluster({
      instances: 3,
      databaseUrl: db.url,
      redisUrl: String(process.env.REDIS_URL),
      env: {
        SWEEP_INTERVAL_MS: '1000',
        // every request of this file comes from one address: the per-client limits are tested elsewhere
        RATE_LIMIT_MAX: '100000000',
        AUTH_RATE_LIMIT: '100000',
      },
    });
  });
  after(async () => {
    await cluster?.close();
    await db?.drop();
  });

  const json = async (method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) => {
    const r = await fetch(`${cluster.url}/api/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined, servedBy: r.headers.get('x-served-by') };
  };
  const login = async (email: string) => (await json('POST', '/login', { email, password: 'password' })).body.data.token as string;
  const upcoming = async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query(
      `SELECT id FROM screenings WHERE status = 'scheduled' AND is_available AND show_time > now() + interval '6 hours' ORDER BY show_time LIMIT 1`,
    );
    await c.end();
    return rows[0] as { id: number };
  };

  test('requests reach every instance; a hold through the balancer reaches a live viewer through it; a purchase end to end', async () => {
    const served = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const r = await json('GET', '/cities');
      assert.equal(r.status, 200);
      served.add(String(r.servedBy));
    }
    assert.deepEqual([...served].sort(), ['api1', 'api2', 'api3']);

    const customer = await login('customer@cinema.com');
    const show = await upcoming();
    const map = (await json('GET', `/screenings/${show.id}/seats`)).body.data;
    const seats = map.seats.filter((s: { type: string }) => s.type === 'regular').slice(0, 2);
    const viewer = liveClient(cluster.url, show.id, customer);
    await viewer.ready;
    const hold = await json('POST', `/screenings/${show.id}/holds`, { seat_ids: seats.map((s: { id: number }) => s.id) }, customer);
    assert.equal(hold.status, 201, JSON.stringify(hold.body));
    await viewer.reach(map.version + 1, 3_000);
    assert.equal(viewer.map.get(seats[0].id), 'held');
    viewer.close();

    const co = await json('POST', `/holds/${hold.body.data.id}/checkout`, { payment_method: 'card' }, customer, {
      'idempotency-key': `c-${hold.body.data.id}`,
    });
    assert.equal(co.status, 201, JSON.stringify(co.body));
    const approve = await fetch(`http://127.0.0.1:${cluster.gateway.port}/_gateway/payments/${co.body.data.payment.id}/approve`, {
      method: 'POST',
      redirect: 'manual',
    });
    assert.ok(approve.status < 400, `approve: ${approve.status}`);
    const ticketId = co.body.data.ticket.id;
    let status = '';
    for (let i = 0; i < 100 && status !== 'paid'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await json('GET', `/tickets/${ticketId}`, undefined, customer)).body.data.status;
    }
    assert.equal(status, 'paid', 'the webhook came back through the balancer');
  });

  test('the balancer keeps its connections to the instances and reuses them (decision 92)', async () => {
    const before = await cluster.backendStats();
    // one client connection, kept alive: 30 requests one after another
    const agent = new Agent({ connections: 1 });
    for (let i = 0; i < 30; i++) {
      const r = await undiciRequest(`${cluster.url}/api/v1/movies`, { dispatcher: agent });
      await r.body.text();
      assert.equal(r.statusCode, 200);
    }
    await agent.close();
    const after = await cluster.backendStats();
    const delta = (name: string) => Number(after[name]) - Number(before[name]);
    assert.ok(delta('reuse') >= 20, `connections reused: ${delta('reuse')} of 30 requests (new ones: ${delta('connect')})`);
    assert.ok(delta('connect') < 10, `new connections to the instances: ${delta('connect')} for 30 requests`);
  });

  test('an instance killed: no failed request, taken out by the health check, back once restarted', async () => {
    const results: (number | string)[] = [];
    let going = true;
    const load = (async () => {
      while (going) {
        results.push(
          await json('GET', '/cities').then(
            (r) => r.status,
            (err: Error & { cause?: Error }) => `${err.message}: ${err.cause?.message}`,
          ),
        );
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    await cluster.kill(1);
    // the health check notices within its interval x fall (1 s x 2) plus a margin
    await new Promise((r) => setTimeout(r, 3_500));
    const afterDown = new Set<string>();
    for (let i = 0; i < 20; i++) afterDown.add(String((await json('GET', '/cities')).servedBy));
    assert.ok(!afterDown.has('api2'), `api2 is out: ${[...afterDown]}`);
    await cluster.start(1);
    await new Promise((r) => setTimeout(r, 2_500));
    going = false;
    await load;
    const back = new Set<string>();
    for (let i = 0; i < 30; i++) back.add(String((await json('GET', '/cities')).servedBy));
    assert.ok(back.has('api2'), `api2 is back: ${[...back]}`);
    assert.ok(results.length > 50, `${results.length} requests under the kill`);
    assert.deepEqual(
      results.filter((s) => s !== 200),
      [],
      'every request during the kill answered 200',
    );
  });
});
