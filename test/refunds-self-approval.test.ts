// Review is a second pair of eyes (refunds/review-refund.ts): a refund over the policy's review
// threshold waits for an admin. An admin cannot ask for a customer's refund (403), but may own
// tickets like anyone; the account that asked for a refund must not be the one that approves it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { listen } from './helpers/checkout.ts';
import { assertProblem, call, loginAs } from './helpers/http.ts';
import { assertMoneyInvariant, paidTicket, refund } from './helpers/refunds.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';
import { plainHall, screeningIn } from './helpers/screenings.ts';

let t: TestApp;
let admin: string;
let otherAdmin: string;

before(async () => {
  t = await startTestApp();
  await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
  // a second admin account
  const email = `admin-${randomUUID().slice(0, 8)}@example.com`;
  const reg = await call(t.app, {
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email, password: 'long enough pw', full_name: 'Second Admin' },
  });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  await t.rt.db.query(`UPDATE users SET role = 'admin' WHERE email = $1`, [email]);
  otherAdmin = await loginAs(t.app, email, 'long enough pw');
  // every refund waits for review
  const current = await call(t.app, { method: 'GET', url: '/api/v1/refund-policies/default', token: admin });
  const put = await call(t.app, {
    method: 'PUT',
    url: '/api/v1/refund-policies/default',
    token: admin,
    payload: { review_threshold: 1 },
    headers: { 'if-match': current.headers.etag as string },
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
});
after(() => t.close());

const approve = (token: string, refundId: string) => call(t.app, { method: 'POST', url: `/api/v1/refunds/${refundId}/approve`, token, payload: {} });

test('an admin cannot approve the refund they asked for themselves; another admin can', async () => {
  const hall = await plainHall(t.app, admin);
  const s = await screeningIn(t.app, admin, hall, 30);
  // the admin bought a ticket of their own, and asks for its refund
  const p = await paidTicket(t, admin, s.id, ['D1', 'D2']);
  const r = await refund(t, admin, p.ticketId);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.data.status, 'pending_review');

  const own = await approve(admin, r.body.data.id);
  assertProblem(own, 403, 'forbidden');
  const { rows } = await t.rt.db.query<{ status: string; reviewed_by: number | null }>('SELECT status, reviewed_by FROM refunds WHERE id = $1', [
    r.body.data.id,
  ]);
  assert.deepEqual(rows, [{ status: 'pending_review', reviewed_by: null }], 'nothing changed, nothing sent');

  const other = await approve(otherAdmin, r.body.data.id);
  assert.equal(other.status, 200, JSON.stringify(other.body));
  assert.equal(other.body.data.status, 'succeeded');
  await assertMoneyInvariant(t.rt.db, t.rt.simulator!.ledger());
});
