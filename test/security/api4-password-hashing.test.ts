// OWASP API4 (unrestricted resource consumption), issue 12 item 4b: passwords were hashed with
// bcryptjs on the event loop, so a login rush took the one JavaScript thread from seat maps and
// holds. Hashing now runs on native threads; the seed's $2a$10$ hashes keep verifying. How many
// logins a second and what it does to the seat map's p99 is shown by bench/login.ts, not here.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, test } from 'node:test';
import { hashPassword, verifyPassword } from '../../src/modules/auth/passwords.ts';

// the seed's hash of "password" (src/db/seed/demo.ts), made by the seed's Go build
const SEED_HASH = '$2a$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi';

describe('password hashing', () => {
  test("the seed's $2a$10$ hash still verifies, and refuses a wrong password", async () => {
    assert.equal(await verifyPassword('password', SEED_HASH), true);
    assert.equal(await verifyPassword('Password', SEED_HASH), false);
  });

  test('new hashes are bcrypt ($2a$/$2b$) with cost >= 10 and verify', async () => {
    const h = await hashPassword('violet tractor umbrella sings');
    const m = /^\$2[ab]\$(\d\d)\$[./A-Za-z0-9]{53}$/.exec(h);
    assert.ok(m, `not a bcrypt hash: ${h}`);
    assert.ok(Number(m[1]) >= 10, `cost ${m[1]}`);
    assert.equal(await verifyPassword('violet tractor umbrella sings', h), true);
    assert.notEqual(await hashPassword('violet tractor umbrella sings'), h, 'salted');
  });

  test('an unknown account (no hash) or a malformed stored hash is a wrong password, not an error', async () => {
    assert.equal(await verifyPassword('password', undefined), false);
    assert.equal(await verifyPassword('password', 'x'), false);
  });

  test('checking passwords leaves the event loop idle (the work runs on other threads)', async () => {
    // Event-loop utilization is the share of wall time the JavaScript thread was busy: a ratio, the
    // same on a fast or a loaded machine. bcryptjs kept it near 1 for the whole batch.
    await verifyPassword('warm up', SEED_HASH);
    const before = performance.eventLoopUtilization();
    await Promise.all(Array.from({ length: 8 }, () => verifyPassword('password', SEED_HASH)));
    const elu = performance.eventLoopUtilization(before).utilization;
    assert.ok(elu < 0.5, `event loop busy ${(elu * 100).toFixed(0)} % of the time while 8 passwords were checked`);
  });
});
