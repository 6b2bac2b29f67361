// Item 6 of issue 12 (OWASP API2, broken authentication): anyone could lock an account out, since ten
// wrong passwords in a minute made the owner's right password answer 429 from any address, and
// successful logins counted too. Following OWASP's authentication cheat sheet: only failures count,
// the throttle is keyed on account and address together, it backs off progressively, and the right
// password from an address with no failures goes through. An address that fails on many accounts
// (password spraying) is slowed down on its own.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { assertProblem, call, type Res } from '../helpers/http.ts';
import { startTestApp, type TestApp } from '../helpers/runtime.ts';

let t: TestApp;
before(async () => {
  // the defaults a deployment gets: 10 failures a minute per address, 5 free failures per account and address
  t = await startTestApp({ AUTH_RATE_LIMIT: '10', LOGIN_FREE_FAILURES: '5' });
});
after(() => t.close());

const login = (email: string, password: string, remoteAddress: string): Promise<Res> =>
  call(t.app, { method: 'POST', url: '/api/v1/login', remoteAddress, payload: { email, password } });

/** A fresh account (its own email), so tests do not share counters. */
async function account(): Promise<{ email: string; password: string }> {
  const email = `owner-${randomUUID()}@example.com`;
  const password = `Amber-Falcon-${randomUUID()}`;
  const r = await call(t.app, {
    method: 'POST',
    url: '/api/v1/auth/register',
    remoteAddress: '10.99.0.1',
    payload: { email, password, full_name: 'O' },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { email, password };
}

describe('no lockout by anyone', () => {
  test('ten wrong passwords from address A do not lock the owner out from address B', async () => {
    const { email, password } = await account();
    for (let i = 0; i < 10; i++) {
      const r = await login(email, `wrong-${i}`, '10.50.0.1');
      assert.ok(r.status === 401 || r.status === 429, `attempt ${i}: ${r.status}`);
    }
    assert.equal((await login(email, password, '10.50.0.2')).status, 200);
    // A itself is throttled, even with the right password: it could be the attacker guessing right
    assertProblem(await login(email, password, '10.50.0.1'), 429, 'rate_limited');
  });

  test('successful logins do not count', async () => {
    const { email, password } = await account();
    for (let i = 0; i < 15; i++) assert.equal((await login(email, password, '10.51.0.1')).status, 200, `login ${i + 1}`);
  });

  test('a success clears the failures of that account and address', async () => {
    const { email, password } = await account();
    // five free failures, then the right password (the 6th attempt, let through as the backoff begins)
    for (let i = 0; i < 5; i++) assertProblem(await login(email, 'wrong', '10.52.0.1'), 401, 'invalid_credentials');
    assert.equal((await login(email, password, '10.52.0.1')).status, 200);
    // counted from zero again: four more failures are answered, not throttled (nine in all from this
    // address, under the ten a minute it may make across accounts)
    for (let i = 0; i < 4; i++) assertProblem(await login(email, 'wrong', '10.52.0.1'), 401, 'invalid_credentials');
    assert.equal((await login(email, password, '10.52.0.1')).status, 200);
  });
});

describe('progressive backoff per account and address', () => {
  test('after the free failures each wait is longer than the last; Retry-After says how long', async () => {
    const { email, password } = await account();
    const addr = '10.53.0.1';
    for (let i = 0; i < 5; i++) assertProblem(await login(email, 'wrong', addr), 401, 'invalid_credentials');
    // the 6th attempt is checked (and fails), then the address waits before the next one
    assertProblem(await login(email, 'wrong', addr), 401, 'invalid_credentials');
    const first = await login(email, password, addr);
    assertProblem(first, 429, 'rate_limited');
    const wait1 = Number(first.headers['retry-after']);
    assert.ok(wait1 >= 1, `Retry-After ${wait1}`);
    assert.equal(first.body.retry_after, wait1);
    await sleep(wait1 * 1000 + 100);
    assertProblem(await login(email, 'wrong', addr), 401, 'invalid_credentials');
    const second = await login(email, password, addr);
    assertProblem(second, 429, 'rate_limited');
    const wait2 = Number(second.headers['retry-after']);
    assert.ok(wait2 > wait1, `backs off: ${wait1} s then ${wait2} s`);
    // meanwhile the owner elsewhere is not affected
    assert.equal((await login(email, password, '10.53.0.2')).status, 200);
  });

  test('concurrent guesses do not slip past the count: at most the free failures + 1 reach the password check', async () => {
    const { email } = await account();
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => login(email, `guess-${i}`, '10.54.0.1')));
    const checked = rs.filter((r) => r.status === 401).length;
    const refused = rs.filter((r) => r.status === 429).length;
    assert.equal(checked + refused, 20);
    assert.ok(checked <= 6, `${checked} guesses were checked`);
  });
});

describe('password spraying from one address', () => {
  test('AUTH_RATE_LIMIT failures a minute across accounts, then that address waits', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await login(`nobody-${randomUUID()}@example.com`, 'Summer2026!', '10.55.0.1')).status);
    assert.deepEqual(statuses, [...Array(10).fill(401), 429, 429]);
    const { email, password } = await account();
    assertProblem(await login(email, password, '10.55.0.1'), 429, 'rate_limited');
    assert.equal((await login(email, password, '10.55.0.2')).status, 200);
  });
});

describe('the current password of a password change', () => {
  test('a stolen access token cannot guess it freely: throttled as logins are, each failure audited; the owner elsewhere is not held up', async () => {
    const { email, password } = await account();
    const signedIn = await login(email, password, '10.56.0.1');
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    const token = signedIn.body.data.token as string;
    const change = (current: string, remoteAddress: string) =>
      call(t.app, {
        method: 'POST',
        url: '/api/v1/me/password',
        token,
        remoteAddress,
        payload: { current_password: current, new_password: `Quiet-Harbour-${randomUUID()}` },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await change(`guess-${i}`, '10.56.0.9')).status);
    // as for logins: the free failures, then one attempt per backoff interval (the first gets through)
    assert.deepEqual(statuses, [403, 403, 403, 403, 403, 403, 429, 429]);
    const { rows } = await t.rt.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.password_check_failed' AND entity_id = $1`,
      [String(signedIn.body.data.user.id)],
    );
    assert.equal(rows[0]?.n, 6, 'each wrong current password that was checked is in the audit trail');
    // the owner, from their own address, changes it at once
    assert.equal((await change(password, '10.56.0.1')).status, 200);
  });
});
