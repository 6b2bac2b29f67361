// Seat events across instances through Redis pub/sub (realtime/events.ts): the events one instance
// publishes in one turn of its event loop travel as one message, reach the other instance complete
// and in order, and do not come back to the publisher through Redis's echo.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { redisEvents, type SeatEvent, type SeatEvents } from '../src/realtime/events.ts';
import { eventually } from './helpers/checkout.ts';
import { onRedis } from './helpers/runtime.ts';

describe('seat events over Redis', { skip: !onRedis && 'needs Redis (REDIS_URL)' }, () => {
  const channel = `test:${randomBytes(4).toString('hex')}:seat-events`;
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(process.env.REDIS_URL as string, { lazyConnect: false });
    clients.push(c);
    return c;
  };
  let a: SeatEvents;
  let b: SeatEvents;
  const messages: string[] = [];
  before(async () => {
    const raw = client();
    raw.on('message', (_ch: string, m: string) => messages.push(m));
    await raw.subscribe(channel);
    a = redisEvents(client(), client(), channel);
    b = redisEvents(client(), client(), channel);
    await new Promise((r) => setTimeout(r, 200)); // both subscriptions in place
  });
  after(async () => {
    await a.close();
    await b.close();
    for (const c of clients) c.disconnect();
  });

  const event = (version: number): SeatEvent => ({ screening_id: 7, version, seats: [{ id: version, status: 'held' }] });

  test('one turn of the event loop, one message; all events reach the other instance in order, once', async () => {
    const atA: number[] = [];
    const atB: number[] = [];
    const offA = a.subscribe((e) => atA.push(e.version));
    const offB = b.subscribe((e) => atB.push(e.version));
    const before = messages.length;
    for (let v = 1; v <= 50; v++) a.publish(event(v)); // as a committed batch of 50 holds does
    assert.equal(atA.length, 50, 'the publisher delivers to itself at once');
    await eventually(async () => atB.length === 50 || undefined, 3_000, 'instance B got all 50');
    assert.deepEqual(
      atB,
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    assert.equal(messages.length - before, 1, 'one PUBLISH for the 50');

    // the next turn is the next message; the echo of A's own messages never reaches A twice
    a.publish(event(51));
    await eventually(async () => atB.length === 51 || undefined, 3_000, 'instance B got 51');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(messages.length - before, 2);
    assert.equal(atA.length, 51, 'no event delivered twice to its publisher');
    offA();
    offB();
  });

  test("an older instance's one-event message is still understood", async () => {
    const atB: number[] = [];
    const off = b.subscribe((e) => atB.push(e.version));
    await client().publish(channel, JSON.stringify({ o: 'older-instance', e: event(99) }));
    await eventually(async () => atB.length === 1 || undefined, 3_000, 'instance B got it');
    assert.deepEqual(atB, [99]);
    off();
  });
});
