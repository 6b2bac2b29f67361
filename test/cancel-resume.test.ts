// The reconciler resumes every unfinished screening cancellation (cancellations/run.ts
// resumeCancellations), not only the oldest few: cancellations that cannot finish yet (here: the
// gateway refuses to answer their refunds, so they stay owed and processing) must not keep a newer
// one, whose process died right after recording it, from ever being worked off.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { resumeCancellations } from '../src/modules/cancellations/index.ts';
import { recordCancellation } from '../src/modules/cancellations/cancel-screening.ts';
import { listen, setFaults } from './helpers/checkout.ts';
import { loginAs } from './helpers/http.ts';
import { paidTicket } from './helpers/refunds.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';
import { plainHall, screeningIn } from './helpers/screenings.ts';

let t: TestApp;
let admin: string;
let alice: string;
let adminId: number;

before(async () => {
  t = await startTestApp({ GATEWAY_TIMEOUT_MS: '400', CANCEL_WAIT_MS: '0' });
  await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
  alice = await loginAs(t.app, 'customer@cinema.com');
  adminId = (await t.rt.db.query<{ id: number }>(`SELECT id FROM users WHERE email = 'admin@cinema.com'`)).rows[0].id;
});
after(async () => {
  await setFaults(t, { refunds: 'ok' });
  await t.close();
});

const actor = () => ({ id: adminId, role: 'admin', ip: '127.0.0.1', requestId: 'cancel-resume-test' });

async function completedAt(screeningId: number) {
  const { rows } = await t.rt.db.query<{ completed_at: Date | null }>('SELECT completed_at FROM screening_cancellations WHERE screening_id = $1', [
    screeningId,
  ]);
  return rows[0].completed_at;
}

test('five cancellations stuck on refunds the gateway will not take do not block a newer one', async () => {
  const hall = await plainHall(t.app, admin);
  const stuck: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s = await screeningIn(t.app, admin, hall, 30 + 10 * i);
    await paidTicket(t, alice, s.id, ['B1']);
    stuck.push(s.id);
  }
  const newer = (await screeningIn(t.app, admin, hall, 100)).id;

  // the gateway cannot be reached for refunds: the cinema's refunds are owed, they stay processing
  await setFaults(t, { refunds: 'error' });
  // recorded, oldest first; each process died before working on its cancellation
  for (const id of [...stuck, newer]) await recordCancellation(t.rt, actor(), id, 'Projector broken');

  for (let pass = 0; pass < 3; pass++) await resumeCancellations(t.rt);
  for (const id of stuck) assert.equal(await completedAt(id), null, 'stuck: its refund is still owed');
  assert.notEqual(await completedAt(newer), null, 'the newer cancellation was resumed and completed');
});
