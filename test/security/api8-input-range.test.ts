// Values past what their column can take (an id past int4, year 0, a cursor that is no timestamp)
// answered 500: PostgreSQL refused them (22003, 22008, 22007, 22P02) and the error surfaced as a
// fault. They are the client's mistake: 400 validation_failed, and nothing changes. Worse, a seat id
// past int4 in one hold request failed the whole batch of holds it travelled in (take-batcher.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem, call, loginAs } from '../helpers/http.ts';
import { newScreening } from '../helpers/screenings.ts';
import { startTestApp, type TestApp } from '../helpers/runtime.ts';
import { DEMO } from '../../src/db/seed/demo-ids.ts';

let t: TestApp;
let admin: string;
let alice: string;

before(async () => {
  t = await startTestApp();
  admin = await loginAs(t.app, 'admin@cinema.com');
  alice = await loginAs(t.app, 'customer@cinema.com');
});
after(() => t.close());

describe('out-of-range input is 400 validation_failed, not 500', () => {
  test('a seat id past int4 in a hold: refused by the schema, nothing held', async () => {
    const s = await newScreening(t.app, admin);
    for (const id of [2 ** 31, 1e300]) {
      const r = await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/holds`, token: alice, payload: { seat_ids: [id] } });
      assertProblem(r, 400, 'validation_failed');
    }
    const { rows } = await t.rt.db.query('SELECT 1 FROM holds WHERE screening_id = $1', [s.id]);
    assert.equal(rows.length, 0);
  });

  test('year 0 dates and cursors that are not what they claim, on public and customer lists', async () => {
    const theater = DEMO.theaters.grandIndonesia;
    const urls = [
      `/api/v1/theaters/${theater}/screenings?date=0000-01-01`,
      `/api/v1/theaters/${theater}/screenings?cursor=1`,
      '/api/v1/me/tickets?cursor=------------------------------------',
      '/api/v1/screenings?from=0000-01-01T00:00:00Z',
    ];
    for (const url of urls) {
      const r = await call(t.app, { method: 'GET', url, token: alice });
      assert.ok(r.status < 500, `${url}: ${r.status} ${JSON.stringify(r.body)}`);
      if (r.status !== 200) assertProblem(r, 400, 'validation_failed');
    }
  });
});

test("PostgreSQL's refusal of a value out of its type (22003, 22P02, 22007, 22008) maps to 400, should one slip past a schema", async () => {
  const { default: Fastify } = await import('fastify');
  const { registerProblemHandlers } = await import('../../src/http/problem.ts');
  const bare = Fastify();
  registerProblemHandlers(bare);
  bare.get('/:code', async (req) => {
    throw Object.assign(new Error('value out of range'), { code: (req.params as { code: string }).code });
  });
  for (const code of ['22003', '22P02', '22007', '22008'])
    assertProblem(await call(bare, { method: 'GET', url: `/${code}` }), 400, 'validation_failed');
  // a fault of ours stays one
  assert.equal((await call(bare, { method: 'GET', url: '/XX000' })).status, 500);
  await bare.close();
});
