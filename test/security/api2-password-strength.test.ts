// OWASP API2 (broken authentication), issue 12 item 14: registration accepted the password
// "password". New passwords are judged by zxcvbn (score >= 3, at least 10 characters, the account's
// own email and name count against it) and a weak one is refused with 400 weak_password and feedback.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem, call } from '../helpers/http.ts';
import { startTestApp, type TestApp } from '../helpers/runtime.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const register = (email: string, password: string) =>
  call(t.app, { method: 'POST', url: '/api/v1/auth/register', payload: { email, password, full_name: 'Rina Wijaya' } });

describe('registration refuses guessable passwords', () => {
  // long enough for the schema (10+), guessable all the same
  for (const password of ['password12', '1234567890', 'password123', 'qwertyuiop']) {
    test(`"${password}" -> 400 weak_password with feedback`, async () => {
      const r = await register(`weak-${password}@example.com`, password);
      assertProblem(r, 400, 'weak_password');
      assert.equal(typeof r.body.detail, 'string');
      assert.ok(r.body.score < 3, `score ${r.body.score}`);
      assert.equal(r.body.min_score, 3);
      assert.ok(Array.isArray(r.body.suggestions));
    });
  }

  test('the email itself as the password -> 400 weak_password', async () => {
    const email = 'rina.wijaya2026@example.com';
    assertProblem(await register(email, email), 400, 'weak_password');
  });

  test('a refused registration makes no account', async () => {
    await register('nobody-made@example.com', 'password');
    const login = await call(t.app, {
      method: 'POST',
      url: '/api/v1/login',
      payload: { email: 'nobody-made@example.com', password: 'password' },
    });
    assertProblem(login, 401, 'invalid_credentials');
  });

  test('under 10 characters -> 400 validation_failed before any strength check (the schema says the rule)', async () => {
    for (const password of ['password', '12345678', 'Xk9#mQ2$z']) {
      const r = await register(`short-${password.length}-${Date.now()}@example.com`, password);
      assertProblem(r, 400, 'validation_failed');
    }
  });

  test('a strong passphrase -> 201', async () => {
    const r = await register('rina@example.com', 'violet tractor umbrella sings');
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.data.user.email, 'rina@example.com');
  });
});
