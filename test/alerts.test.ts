// Near-sold-out alerts: raised once per threshold crossed, up and back down, with their e-mails and
// signed webhook through the outbox (retried), the admins' live feed (server-sent events, resumable),
// the customer-facing "almost full" / "sold out" flags, per-theater thresholds, and one alert when two
// instances sell the seats that cross a threshold at the same moment.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { checkSellout, selloutWatch } from '../src/modules/alerts/index.ts';
import { crossings, levelOf } from '../src/modules/alerts/levels.ts';
import { startOutbox } from '../src/jobs/outbox.ts';
import { webhookSignature } from '../src/notify/webhook.ts';
import { eventually, listen, newCustomer } from './helpers/checkout.ts';
import { assertProblem, call, loginAs } from './helpers/http.ts';
import { paidTicket, refund } from './helpers/refunds.ts';
import { onPostgres, startTestApp, type TestApp } from './helpers/runtime.ts';
import { plainHall, screeningIn, seatMapOf } from './helpers/screenings.ts';

const SECRET = 'alert-webhook-secret-0123456789abcdef';
const silent = { info() {}, warn() {}, error() {} };

// a receiver for the outgoing webhook: refuses the first delivery (500), then takes them
let hooks: Server;
let hookUrl: string;
const received: { headers: IncomingMessage['headers']; body: string }[] = [];
let refuseNext = 1;

let t: TestApp;
let base: string;
let admin: string;
let buyer: string;
before(async () => {
  hooks = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (refuseNext > 0) {
        refuseNext--;
        res.writeHead(500).end('try later');
        return;
      }
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hooks`;
  t = await startTestApp({
    ALERT_WEBHOOK_URL: hookUrl,
    ALERT_WEBHOOK_SECRET: SECRET,
    ALERT_FEED_POLL_MS: '50',
    OUTBOX_INTERVAL_MS: '0',
    OUTBOX_BACKOFF_BASE_MS: '10',
    OUTBOX_BACKOFF_MAX_MS: '20',
  });
  base = await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
  buyer = (await newCustomer(t, 'alerts')).token;
});
after(async () => {
  await t.close();
  await new Promise((r) => hooks.close(r));
});

interface AlertRow {
  threshold: number;
  direction: string;
  sold: number;
  sellable: number;
}
const alertsOf = async (screeningId: number) =>
  (
    await t.rt.db.query<AlertRow>('SELECT threshold, direction, sold, sellable FROM sellout_alerts WHERE screening_id = $1 ORDER BY id', [
      screeningId,
    ])
  ).rows;

const SEATS = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'A9', 'A10'];

describe('levels', () => {
  test('the level is the highest threshold reached; crossings go through every threshold between', () => {
    assert.equal(levelOf([80, 95, 100], 79, 100), 0);
    assert.equal(levelOf([80, 95, 100], 80, 100), 80);
    assert.equal(levelOf([80, 95, 100], 10, 10), 100);
    assert.equal(levelOf([80, 95, 100], 0, 0), 0, 'nothing sellable is not sold out');
    assert.deepEqual(crossings([80, 95, 100], 0, 95), [
      { threshold: 80, direction: 'up' },
      { threshold: 95, direction: 'up' },
    ]);
    assert.deepEqual(crossings([80, 95, 100], 100, 80), [
      { threshold: 100, direction: 'down' },
      { threshold: 95, direction: 'down' },
    ]);
    assert.deepEqual(crossings([80, 95, 100], 80, 80), []);
  });
});

describe('a decision the database could not make', () => {
  test('is made again by the retry: the 80 % crossing of a show whose last sale came during the fault is raised once', async () => {
    const hall = await plainHall(t.app, admin, 1, 10);
    const show = (await screeningIn(t.app, admin, hall, 70)).id;
    await paidTicket(t, buyer, show, SEATS.slice(0, 7));
    let broken = false;
    const db = new Proxy(t.rt.db, {
      get(target, prop) {
        if (prop === 'tx' && broken) return async () => Promise.reject(new Error('connect ECONNREFUSED'));
        const v = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const real = t.rt.sellout;
    const watch = selloutWatch({ ...t.rt, db });
    t.rt.sellout = watch;
    try {
      broken = true;
      await paidTicket(t, buyer, show, ['A8']);
      assert.deepEqual(await alertsOf(show), [], 'the decision failed with the database');
      assert.equal(await watch.retry(), 1, 'still failing: still waiting');
      broken = false;
      assert.equal(await watch.retry(), 0);
      assert.deepEqual(await alertsOf(show), [{ threshold: 80, direction: 'up', sold: 8, sellable: 10 }]);
      assert.equal(await watch.retry(), 0);
      assert.equal((await alertsOf(show)).length, 1, 'decided once');
    } finally {
      t.rt.sellout = real;
    }
  });
});

describe('a show selling out and coming back', () => {
  let screeningId: number;
  let lastTicket: string;

  test('7 of 10 sold: nothing; the 8th: one alert at 80 %, and customers see "almost full"', async () => {
    const hall = await plainHall(t.app, admin, 1, 10);
    screeningId = (await screeningIn(t.app, admin, hall, 72)).id;
    await paidTicket(t, buyer, screeningId, SEATS.slice(0, 7));
    assert.deepEqual(await alertsOf(screeningId), []);
    assert.equal((await seatMapOf(t.app, screeningId)).availability, 'available', '7 of 10 taken is under 80 %');
    await paidTicket(t, buyer, screeningId, ['A8']);
    assert.deepEqual(await alertsOf(screeningId), [{ threshold: 80, direction: 'up', sold: 8, sellable: 10 }]);
    const map = await seatMapOf(t.app, screeningId);
    assert.equal(map.availability, 'almost_full');
    const show = await call(t.app, { method: 'GET', url: `/api/v1/showtimes/${screeningId}` });
    assert.equal(show.body.data.availability, 'almost_full');
  });

  test('the last two in one sale cross 95 % and 100 %: two alerts; the show is sold out', async () => {
    lastTicket = (await paidTicket(t, buyer, screeningId, ['A9', 'A10'])).ticketId;
    assert.deepEqual((await alertsOf(screeningId)).slice(1), [
      { threshold: 95, direction: 'up', sold: 10, sellable: 10 },
      { threshold: 100, direction: 'up', sold: 10, sellable: 10 },
    ]);
    assert.equal((await seatMapOf(t.app, screeningId)).availability, 'sold_out');
    // deciding again changes nothing: no second alert for the same crossing
    assert.deepEqual(await checkSellout(t.rt, screeningId), []);
    assert.equal((await alertsOf(screeningId)).length, 3);
  });

  test('a refund of one seat brings it back under 100 % and 95 %: one alert each', async () => {
    const r = await refund(t, buyer, lastTicket, { seat_ids: [(await seatMapOf(t.app, screeningId)).id('A10')] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const down = await eventually(async () => {
      const rows = await alertsOf(screeningId);
      return rows.length === 5 ? rows.slice(3) : undefined;
    });
    assert.deepEqual(down, [
      { threshold: 100, direction: 'down', sold: 9, sellable: 10 },
      { threshold: 95, direction: 'down', sold: 9, sellable: 10 },
    ]);
    assert.equal((await seatMapOf(t.app, screeningId)).availability, 'almost_full');
  });

  test('each alert is e-mailed to the admins and posted to the webhook, signed; a refused delivery is retried', async () => {
    const { rows } = await t.rt.db.query<{ channel: string; recipient: string; n: number }>(
      `SELECT o.channel, o.recipient, count(*)::int AS n FROM outbox o
        WHERE o.kind = 'sellout_alert' AND (o.payload->>'screening_id')::int = $1 GROUP BY 1, 2 ORDER BY 1`,
      [screeningId],
    );
    assert.deepEqual(rows, [
      { channel: 'email', recipient: 'admin@cinema.com', n: 5 },
      { channel: 'webhook', recipient: hookUrl, n: 5 },
    ]);
    const worker = startOutbox(t.rt, silent, 0);
    try {
      await eventually(async () => {
        await worker.runOnce();
        const left = await t.rt.db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE kind = 'sellout_alert' AND status <> 'sent'");
        return left.rows[0].n === 0;
      }, 10_000);
    } finally {
      await worker.stop();
    }
    // in the order raised (the refused first delivery came last)
    const mine = received
      .map((r) => ({ ...r, event: JSON.parse(r.body) }))
      .filter((r) => r.event.data.screening_id === screeningId)
      .sort((x, y) => x.event.data.alert_id - y.event.data.alert_id);
    assert.equal(mine.length, 5, 'each alert once, the refused one retried');
    for (const r of mine) {
      const sig = String(r.headers['cinema-signature']);
      const ts = Number(/t=(\d+)/.exec(sig)?.[1]);
      assert.equal(sig, webhookSignature(SECRET, ts, r.body), 'signed over the timestamp and the exact body');
      assert.equal(r.headers['cinema-webhook-id'], r.event.id);
    }
    assert.deepEqual(
      mine.map((r) => [r.event.type, r.event.data.threshold]),
      [
        ['screening.sellout.up', 80],
        ['screening.sellout.up', 95],
        ['screening.sellout.up', 100],
        ['screening.sellout.down', 100],
        ['screening.sellout.down', 95],
      ],
    );
    const mail = await t.rt.db.query<{ attempts: number }>(
      "SELECT attempts FROM outbox WHERE kind = 'sellout_alert' AND channel = 'webhook' ORDER BY attempts DESC LIMIT 1",
    );
    assert.equal(mail.rows[0].attempts, 2, 'the refused delivery was tried again');
  });

  test('GET /alerts lists them newest first for admins, with words; customers are refused', async () => {
    const r = await call(t.app, { method: 'GET', url: `/api/v1/alerts?screening_id=${screeningId}&limit=2`, token: admin });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(
      r.body.data.map((a: { headline: string }) => a.headline),
      ['back under 95 %', 'back under 100 %'],
    );
    const next = await call(t.app, {
      method: 'GET',
      url: `/api/v1/alerts?screening_id=${screeningId}&cursor=${r.body.meta.next_cursor}`,
      token: admin,
    });
    assert.deepEqual(
      next.body.data.map((a: { headline: string }) => a.headline),
      ['sold out', '95 % sold', '80 % sold'],
    );
    assertProblem(await call(t.app, { method: 'GET', url: '/api/v1/alerts', token: buyer }), 403, 'forbidden');
  });
});

describe('thresholds per theater', () => {
  test('a theater alerting at 50 %: the 5th of 10 seats raises it; thresholds must ascend', async () => {
    const hall = await plainHall(t.app, admin, 1, 10);
    const patch = (body: object) => call(t.app, { method: 'PATCH', url: `/api/v1/theaters/${hall.theaterId}`, token: admin, payload: body });
    assertProblem(await patch({ sellout_alert_percents: [90, 50] }), 400, 'validation_failed');
    assertProblem(await patch({ sellout_alert_percents: [0] }), 400, 'validation_failed');
    const ok = await patch({ sellout_alert_percents: [50] });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body.data.sellout_alert_percents, [50]);
    const s = await screeningIn(t.app, admin, hall, 73);
    await paidTicket(t, buyer, s.id, SEATS.slice(0, 4));
    assert.deepEqual(await alertsOf(s.id), []);
    await paidTicket(t, buyer, s.id, ['A5']);
    assert.deepEqual(await alertsOf(s.id), [{ threshold: 50, direction: 'up', sold: 5, sellable: 10 }]);
  });
});

describe('the live feed', () => {
  test('an admin connected to GET /alerts/live gets each alert as it is raised, and resumes after Last-Event-ID', async () => {
    const hall = await plainHall(t.app, admin, 1, 5);
    const s = await screeningIn(t.app, admin, hall, 74);
    const events: { id: number; data: any }[] = [];
    const ctl = new AbortController();
    const res = await fetch(`${base}/api/v1/alerts/live?screening_id=${s.id}`, { headers: { authorization: `Bearer ${admin}` }, signal: ctl.signal });
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get('content-type')), /^text\/event-stream/);
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buf = '';
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        for (let cut = buf.indexOf('\n\n'); cut >= 0; cut = buf.indexOf('\n\n')) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const id = /^id: (\d+)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (id && data) events.push({ id: Number(id), data: JSON.parse(data) });
        }
      }
    })().catch(() => {});
    try {
      await paidTicket(t, buyer, s.id, ['A1', 'A2', 'A3', 'A4']);
      await eventually(async () => events.length === 1);
      assert.equal(events[0].data.headline, '80 % sold');
      assert.equal(events[0].data.screening_id, s.id);
    } finally {
      ctl.abort();
      await reading;
    }
    // missed while away: the 100 % alert; a reconnect with Last-Event-ID gets it first
    await paidTicket(t, buyer, s.id, ['A5']);
    const again = await fetch(`${base}/api/v1/alerts/live?screening_id=${s.id}`, {
      headers: { authorization: `Bearer ${admin}`, 'last-event-id': String(events[0].id) },
    });
    const reader = (again.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('event: sellout')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    await reader.cancel();
    assert.match(text, /"headline":"sold out"/);
    const customer = await fetch(`${base}/api/v1/alerts/live`, { headers: { authorization: `Bearer ${buyer}` } });
    assert.equal(customer.status, 403);
  });
});

describe('the live feed, long', () => {
  test('resuming 150 alerts behind gets all 150, in order, then the new ones', async () => {
    const hall = await plainHall(t.app, admin, 1, 5);
    const s = await screeningIn(t.app, admin, hall, 76);
    // 150 alerts of a test show, inserted as they would be (test database)
    await t.rt.db.query(
      `INSERT INTO sellout_alerts (screening_id, threshold, direction, sold, sellable)
       SELECT $1, 80, CASE WHEN g % 2 = 0 THEN 'up' ELSE 'down' END, 4, 5 FROM generate_series(1, 150) g`,
      [s.id],
    );
    const res = await fetch(`${base}/api/v1/alerts/live?screening_id=${s.id}&after=0`, { headers: { authorization: `Bearer ${admin}` } });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const count = () => (text.match(/^event: sellout$/gm) ?? []).length;
    const deadline = Date.now() + 10_000;
    while (count() < 150 && Date.now() < deadline) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    await reader.cancel();
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    assert.equal(ids.length, 150);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
      'oldest first',
    );
    assert.equal(new Set(ids).size, 150, 'none twice');
  });
});

describe('two instances at once', { skip: !onPostgres && 'needs PostgreSQL: two instances share one database' }, () => {
  test('both sell a seat that takes the show past 80 % at the same moment: one alert', async () => {
    const other = await startTestApp({}, undefined, { databaseUrl: t.databaseUrl });
    try {
      const hall = await plainHall(t.app, admin, 1, 10);
      const s = await screeningIn(t.app, admin, hall, 75);
      await paidTicket(t, buyer, s.id, SEATS.slice(0, 7));
      await listen(other);
      const otherBuyer = (await newCustomer(other, 'alerts-b')).token;
      // 8 and 9 of 10: each sale alone would cross 80 %; they are paid on two instances at once
      await Promise.all([paidTicket(t, buyer, s.id, ['A8']), paidTicket(other, otherBuyer, s.id, ['A9'])]);
      const raised = await alertsOf(s.id);
      assert.equal(raised.length, 1, JSON.stringify(raised));
      assert.deepEqual([raised[0].threshold, raised[0].direction], [80, 'up']);
      // both instances deciding again, many times at once, raise nothing more
      const again = await Promise.all(Array.from({ length: 20 }, (_, i) => checkSellout(i % 2 ? other.rt : t.rt, s.id)));
      assert.equal(again.flat().length, 0);
      // and from a level forgotten (as if both sales had committed before either decided): one decider raises it
      await t.rt.db.query('UPDATE sellout_levels SET percent = 0 WHERE screening_id = $1', [s.id]);
      const fresh = await Promise.all(Array.from({ length: 20 }, (_, i) => checkSellout(i % 2 ? other.rt : t.rt, s.id)));
      assert.equal(fresh.flat().length, 1, 'exactly one of 20 concurrent deciders raised it');
    } finally {
      await other.close();
    }
  });
});
