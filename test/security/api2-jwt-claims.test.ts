// OWASP API2 (broken authentication), issue 12 item 13: a JWT signed with the right key but without
// `exp` was accepted, and nothing said who issued a token or for whom. Access tokens now must carry
// exp, and their iss and aud must be this service's (JWT_ISSUER / JWT_AUDIENCE).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem, call, loginAs } from '../helpers/http.ts';
import { claims, signHs256 } from '../helpers/jwt.ts';
import { startTestApp, TEST_SECRET, type TestApp } from '../helpers/runtime.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const me = (token: string) => call(t.app, { method: 'GET', url: '/api/v1/me', token });
const signed = (over: Record<string, unknown>) => signHs256(claims(over), TEST_SECRET);
const without = (name: string) => {
  const c: Record<string, unknown> = claims();
  delete c[name];
  return signHs256(c, TEST_SECRET);
};

describe('access token claims', () => {
  test('a well-formed token is accepted (the baseline the refusals below differ from by one claim)', async () => {
    assert.equal((await me(signed({}))).status, 200);
  });

  test('no exp -> 401', async () => {
    assertProblem(await me(without('exp')), 401, 'invalid_token');
  });

  test('wrong or missing issuer -> 401', async () => {
    assertProblem(await me(signed({ iss: 'https://evil.example' })), 401, 'invalid_token');
    assertProblem(await me(without('iss')), 401, 'invalid_token');
  });

  test('wrong or missing audience -> 401', async () => {
    assertProblem(await me(signed({ aud: 'another-service' })), 401, 'invalid_token');
    assertProblem(await me(without('aud')), 401, 'invalid_token');
  });

  test('tokens the service issues carry exp, iss and aud', async () => {
    const token = await loginAs(t.app, 'customer@cinema.com');
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    assert.equal(payload.iss, t.config.JWT_ISSUER);
    assert.equal(payload.aud, t.config.JWT_AUDIENCE);
    assert.equal(typeof payload.exp, 'number');
    assert.ok(payload.exp > payload.iat);
  });
});

describe('issuer and audience come from the configuration', () => {
  let other: TestApp;
  before(async () => {
    other = await startTestApp({ JWT_ISSUER: 'https://auth.cinema.example', JWT_AUDIENCE: 'cinema-api' });
  });
  after(() => other.close());

  test("a token of the default issuer is refused where another is configured, and that one's own tokens work", async () => {
    const r = await call(other.app, { method: 'GET', url: '/api/v1/me', token: signed({}) });
    assertProblem(r, 401, 'invalid_token');
    const token = await loginAs(other.app, 'customer@cinema.com');
    assert.equal((await call(other.app, { method: 'GET', url: '/api/v1/me', token })).status, 200);
  });
});
