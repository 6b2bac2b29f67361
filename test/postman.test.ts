// Replays every request of the seed's Postman collection over real HTTP against a listening server:
// baseUrl = http://localhost:<port>/api/v1, the token from login as {{apiKey}}, the id from the
// create as :id, and the collection's 2025 dates moved into the future. Each must answer 2xx.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './helpers/runtime.ts';

interface PmRequest {
  name: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  apiKey: boolean;
}

function flatten(items: any[]): PmRequest[] {
  return items.flatMap((it) =>
    it.item
      ? flatten(it.item)
      : [
          {
            name: it.name,
            method: it.request.method,
            url: it.request.url.raw,
            headers: Object.fromEntries((it.request.header ?? []).map((h: any) => [h.key, h.value])),
            body: it.request.body?.raw,
            apiKey: it.request.auth?.type === 'apikey',
          },
        ],
  );
}

const collection = JSON.parse(readFileSync(new URL('../docs/seed/postman_collection.json', import.meta.url), 'utf8'));
const requests = flatten(collection.item);

let t: TestApp;
let baseUrl: string;
before(async () => {
  t = await startTestApp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://localhost:${(t.app.server.address() as AddressInfo).port}/api/v1`;
});
after(() => t.close());

// 2025-12-25 -> the same day-of-month and time, 60 days from now (clear of the demo schedule).
function moveDates(body: string): string {
  const target = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
  return body.replace(/2025-\d\d-\d\d(T)/g, `${target}$1`);
}

test('the collection has the six seed requests', () => {
  assert.deepEqual(
    requests.map((r) => `${r.method} ${r.url}`),
    [
      'POST {{baseUrl}}/login',
      'GET {{baseUrl}}/screenings/:id',
      'PUT {{baseUrl}}/screenings/:id',
      'DELETE {{baseUrl}}/screenings/:id',
      'GET {{baseUrl}}/screenings',
      'POST {{baseUrl}}/screenings',
    ],
  );
});

test('every request of the seed collection answers 2xx', async () => {
  const vars: Record<string, string> = {};
  const send = async (r: PmRequest) => {
    const url = r.url.replace('{{baseUrl}}', baseUrl).replace(':id', vars.id ?? ':id');
    const headers = { ...r.headers };
    if (r.apiKey) headers.Authorization = vars.apiKey;
    const res = await fetch(url, { method: r.method, headers, body: r.body ? moveDates(r.body) : undefined });
    const json = (await res.json()) as any;
    assert.ok(res.status >= 200 && res.status < 300, `${r.method} ${url} -> ${res.status} ${JSON.stringify(json)}`);
    assert.equal(json.success, true);
    return json;
  };

  const [loginReq, ...rest] = requests;
  const login = await send(loginReq);
  vars.apiKey = login.data.token;
  // The create comes last in the collection but its id feeds the :id requests, so it runs first.
  const createReq = rest.find((r) => r.method === 'POST') as PmRequest;
  const created = await send(createReq);
  vars.id = String(created.data.id);
  assert.ok(Number(vars.id) > 0);

  const seen: string[] = [];
  for (const r of rest.filter((x) => x !== createReq)) {
    const out = await send(r);
    seen.push(`${r.method} ${out.message}`);
  }
  assert.deepEqual(seen, [
    'GET Screening fetched successfully',
    'PUT Screening updated successfully',
    'DELETE Screening deleted successfully',
    'GET Screenings fetched successfully',
  ]);
  // what the replay did is really in the database: the created screening exists, soft-deleted
  const { rows } = await t.rt.db.query<{ is_available: boolean; price_3d: string }>(
    'SELECT is_available, price_3d::text FROM screenings WHERE id = $1',
    [Number(vars.id)],
  );
  assert.equal(rows[0].is_available, false);
  assert.equal(rows[0].price_3d, '75000.00');
});
