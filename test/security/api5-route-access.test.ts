// OWASP API5 (broken function level authorization): who may call each route. Routes are registered
// inside access scopes (src/http/access.ts), so a route that names no level cannot exist under
// /api/v1, and one in the wrong scope is caught here: every registered route must be in the table
// below with the level it was registered at, and is then called without a token, as a customer and
// as staff, and must refuse exactly the callers its level refuses. The OpenAPI document must say the
// same (bearer security on every route that needs a token).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RouteOptions } from 'fastify';
import { call, loginAs } from '../helpers/http.ts';
import { startTestApp, type TestApp } from '../helpers/runtime.ts';

type Level = 'public' | 'customer' | 'staff' | 'admin' | 'socket';

// The spec, written by hand: change it only when a route's audience is meant to change.
const API: Record<string, Level> = {
  // accounts
  'POST /login': 'public',
  'POST /auth/login': 'public',
  'POST /auth/register': 'public',
  'POST /auth/refresh': 'public',
  'POST /auth/logout': 'public',
  'GET /me': 'customer',
  'POST /me/password': 'customer',
  'PATCH /me': 'customer',
  'PATCH /users/:id': 'admin',
  // catalog: browse is open, writes are admin
  'GET /cities': 'public',
  'GET /cities/:id': 'public',
  'GET /cities/:id/theaters': 'public',
  'POST /cities': 'admin',
  'PUT /cities/:id': 'admin',
  'PATCH /cities/:id': 'admin',
  'DELETE /cities/:id': 'admin',
  'GET /theaters/:id': 'public',
  'GET /theaters/:id/screenings': 'public',
  'POST /theaters': 'admin',
  'PUT /theaters/:id': 'admin',
  'PATCH /theaters/:id': 'admin',
  'DELETE /theaters/:id': 'admin',
  'GET /movies': 'public',
  'GET /movies/:id': 'public',
  'GET /movies/:id/screenings': 'public',
  'POST /movies': 'admin',
  'PUT /movies/:id': 'admin',
  'PATCH /movies/:id': 'admin',
  'DELETE /movies/:id': 'admin',
  'GET /showtimes/:id': 'public',
  'GET /halls/:id': 'public',
  'GET /theaters/:id/halls': 'public',
  'POST /halls': 'admin',
  'PUT /halls/:id': 'admin',
  'PATCH /halls/:id': 'admin',
  'PUT /halls/:id/layout': 'admin',
  'DELETE /halls/:id': 'admin',
  'GET /theaters/:id/pricing': 'public',
  'PUT /theaters/:id/pricing': 'admin',
  // the seed's screening routes (its list and detail need a token, as the seed documents)
  'GET /screenings': 'customer',
  'GET /screenings/:id': 'customer',
  'POST /screenings': 'admin',
  'PUT /screenings/:id': 'admin',
  'DELETE /screenings/:id': 'admin',
  'POST /screenings/:id/cancel': 'admin',
  'GET /screenings/:id/cancellation': 'admin',
  // seats
  'GET /screenings/:id/seats': 'public',
  'GET /screenings/:id/live': 'socket',
  'POST /screenings/:id/seats/block': 'admin',
  'POST /screenings/:id/seats/unblock': 'admin',
  'POST /screenings/:id/holds': 'customer',
  'POST /screenings/:id/holds/best-available': 'customer',
  'POST /screenings/:id/waiting-room': 'customer',
  'GET /holds/:id': 'customer',
  'DELETE /holds/:id': 'customer',
  // paying
  'GET /payment-methods': 'public',
  'POST /holds/:id/checkout': 'customer',
  'POST /payments/webhook': 'public',
  // tickets, check-in, refunds
  'GET /me/tickets': 'customer',
  'GET /tickets/:id': 'customer',
  'GET /tickets/:id/pdf': 'customer',
  'POST /checkin': 'staff',
  'POST /checkin/lookup': 'staff',
  'GET /theaters/:id/schedule': 'admin',
  'GET /outbox/dead': 'admin',
  'POST /outbox/:id/requeue': 'admin',
  'GET /checkin/screenings/:id': 'staff',
  'GET /tickets/:id/refund-quote': 'customer',
  'POST /tickets/:id/refunds': 'customer',
  'GET /me/refunds': 'customer',
  'GET /refunds/:id': 'customer',
  'GET /refunds': 'admin',
  'POST /refunds/:id/approve': 'admin',
  'POST /refunds/:id/reject': 'admin',
  'GET /refund-policies/default': 'admin',
  'PUT /refund-policies/default': 'admin',
  'GET /theaters/:id/refund-policy': 'admin',
  'PUT /theaters/:id/refund-policy': 'admin',
  'DELETE /theaters/:id/refund-policy': 'admin',
  'GET /audit-log': 'admin',
  'GET /alerts': 'admin',
  'GET /alerts/live': 'admin',
  'POST /api-keys': 'admin',
  'GET /api-keys': 'admin',
  'POST /api-keys/:id/rotate': 'admin',
  'POST /api-keys/:id/revoke': 'admin',
  'GET /reports/sales': 'admin',
  'GET /reports/occupancy': 'admin',
  'GET /reports/top-movies': 'admin',
  'GET /reports/refunds': 'admin',
  'GET /reports/no-shows': 'admin',
};

// Outside /api/v1: operations, docs, the web app and (development only) the simulator and mailbox.
// Their own tests cover them (metrics token, production posture); here they must be known.
const OUTSIDE = [
  /^GET \/(healthz|readyz|metrics)$/,
  /^GET \/swagger\//,
  /^GET \/(index\.html)?$/,
  /^GET \/assets\/[\w.-]+$/,
  /^OPTIONS \*$/,
  /^(GET|POST) \/_gateway\//, // the payment simulator's pages (embedded default only)
  /^GET \/dev\/mail/, // the local mailbox (embedded default only)
];

const path = (url: string) => url.replace(/:id\b/g, '1').replace(/:n\b/g, '0');

describe('every route has the access level of its table entry', () => {
  let t: TestApp;
  const routes: RouteOptions[] = [];
  const tokens: Record<'customer' | 'staff', string> = { customer: '', staff: '' };
  before(async () => {
    t = await startTestApp({}, undefined, { onRoute: (r) => routes.push(r) });
    tokens.customer = await loginAs(t.app, 'customer@cinema.com');
    tokens.staff = await loginAs(t.app, 'staff@cinema.com');
  });
  after(() => t.close());

  /** "METHOD /url" and its registered level, HEAD (Fastify's shadow of GET) left out. */
  const registered = () =>
    routes.flatMap((r) =>
      (Array.isArray(r.method) ? r.method : [r.method])
        .filter((m) => m !== 'HEAD')
        .map((m) => ({ key: `${m} ${r.url}`, level: r.config?.access, schema: r.schema })),
    );

  test('each registered route is in the table, at the level it was registered at', () => {
    const api = registered().filter((r) => r.key.split(' ')[1].startsWith('/api/v1/'));
    const seen = new Map(api.map((r) => [r.key.replace(' /api/v1', ' '), r.level]));
    const unknown = [...seen.keys()].filter((k) => !(k in API));
    assert.deepEqual(unknown, [], 'routes missing from the table: give each its level here');
    const missing = Object.keys(API).filter((k) => !seen.has(k));
    assert.deepEqual(missing, [], 'table entries with no route');
    for (const [key, level] of seen) assert.equal(level, API[key], key);
    const elsewhere = registered().filter((r) => !r.key.split(' ')[1].startsWith('/api/v1/') && !OUTSIDE.some((re) => re.test(r.key)));
    assert.deepEqual(
      elsewhere.map((r) => r.key),
      [],
      'routes outside /api/v1 nobody placed',
    );
  });

  test('without a token, as a customer and as staff: refused exactly where the level says', async () => {
    const wrong: string[] = [];
    for (const [key, level] of Object.entries(API)) {
      if (level === 'socket') continue;
      const [method, url] = key.split(' ');
      const ask = async (token?: string) => {
        const r = await call(t.app, {
          method: method as 'GET',
          url: `/api/v1${path(url)}`,
          token,
          payload: method === 'GET' || method === 'DELETE' ? undefined : {},
        });
        return r.status === 401 && ['unauthorized', 'invalid_token'].includes(r.body?.code)
          ? 401
          : r.status === 403 && r.body?.code === 'forbidden'
            ? 403
            : 'let in';
      };
      const expected = {
        public: ['let in', 'let in', 'let in'],
        customer: [401, 'let in', 'let in'],
        staff: [401, 403, 'let in'],
        admin: [401, 403, 403],
      }[level];
      const got = [await ask(), await ask(tokens.customer), await ask(tokens.staff)];
      if (JSON.stringify(got) !== JSON.stringify(expected)) wrong.push(`${key} (${level}): ${JSON.stringify(got)}`);
    }
    assert.deepEqual(wrong, []);
  });

  test('the OpenAPI document asks for a bearer token exactly on the routes that need one', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/swagger/json' })).json();
    const wrong: string[] = [];
    for (const [key, level] of Object.entries(API)) {
      const [method, url] = key.split(' ');
      const op = doc.paths[`/api/v1${url.replace(/:(\w+)/g, '{$1}')}`]?.[method.toLowerCase()];
      if (!op) {
        wrong.push(`${key}: not documented`);
        continue;
      }
      const bearer = (op.security ?? []).some((s: Record<string, unknown>) => 'bearerAuth' in s);
      if (bearer !== (level !== 'public')) wrong.push(`${key} (${level}): bearer ${bearer}`);
    }
    assert.deepEqual(wrong, []);
  });
});
