// The outbox's dead letters for admins: listed newest first, one requeued (pending again, a fresh set
// of attempts, audited), a sent or unknown message is 404 and nothing changes; others are refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem, call } from './helpers/http.ts';
import { signedInApp, type TestApp } from './helpers/runtime.ts';

let t: TestApp;
let admin: string;
let customer: string;
before(async () => {
  ({ t, admin, customer } = await signedInApp());
});
after(() => t.close());

async function message(status: 'dead' | 'sent', key: string): Promise<string> {
  const { rows } = await t.rt.db.query<{ id: string }>(
    `INSERT INTO outbox (dedupe_key, kind, channel, recipient, payload, status, attempts, last_error)
     VALUES ($1, 'ticket_issued', 'email', 'typo@exmaple.com', '{}', $2, 8, 'mailbox unavailable') RETURNING id`,
    [key, status],
  );
  return rows[0].id;
}

describe('dead letters', () => {
  test('listed, one requeued with a fresh set of attempts and audited; a sent or unknown one is 404 and unchanged', async () => {
    const dead = await message('dead', 'dl:1');
    const sent = await message('sent', 'dl:2');
    const list = await call(t.app, { method: 'GET', url: '/api/v1/outbox/dead', token: admin });
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const row = list.body.data.find((r: { id: string }) => r.id === dead);
    assert.deepEqual([row.recipient, row.attempts, row.last_error], ['typo@exmaple.com', 8, 'mailbox unavailable']);
    assert.ok(!list.body.data.some((r: { id: string }) => r.id === sent));

    const r = await call(t.app, { method: 'POST', url: `/api/v1/outbox/${dead}/requeue`, token: admin });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const { rows } = await t.rt.db.query<{ status: string; attempts: number; audited: number }>(
      `SELECT status, attempts, (SELECT count(*)::int FROM audit_log WHERE action = 'outbox.requeue' AND entity_id = $1) AS audited
         FROM outbox WHERE id = $1::uuid`,
      [dead],
    );
    assert.deepEqual(rows[0], { status: 'pending', attempts: 0, audited: 1 });

    assertProblem(await call(t.app, { method: 'POST', url: `/api/v1/outbox/${dead}/requeue`, token: admin }), 404, 'dead_letter_not_found');
    assertProblem(await call(t.app, { method: 'POST', url: `/api/v1/outbox/${sent}/requeue`, token: admin }), 404, 'dead_letter_not_found');
    const still = await t.rt.db.query<{ status: string }>('SELECT status FROM outbox WHERE id = $1', [sent]);
    assert.equal(still.rows[0].status, 'sent');
    assertProblem(await call(t.app, { method: 'POST', url: '/api/v1/outbox/not-a-uuid/requeue', token: admin }), 400, 'validation_failed');
    assertProblem(await call(t.app, { method: 'GET', url: '/api/v1/outbox/dead', token: customer }), 403, 'forbidden');
  });
});
