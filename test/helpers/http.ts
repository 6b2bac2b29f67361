// Small request helpers over app.inject (no socket): JSON in, parsed JSON out.
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

export async function call<T = any>(app: FastifyInstance, opts: InjectOptions & { token?: string }): Promise<Res<T>> {
  const { token, headers, ...rest } = opts;
  const r = await app.inject({
    ...rest,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(headers ?? {}) },
  });
  let body: any = r.body;
  if (String(r.headers['content-type'] ?? '').includes('json') && r.body.length > 0) body = JSON.parse(r.body);
  return { status: r.statusCode, body, headers: r.headers };
}

export async function loginAs(app: FastifyInstance, email: string, password = 'password'): Promise<string> {
  const r = await call(app, { method: 'POST', url: '/api/v1/login', payload: { email, password } });
  assert.equal(r.status, 200, `login ${email}: ${JSON.stringify(r.body)}`);
  return r.body.data.token;
}

/** Asserts a problem+json response with the given status and code. */
export function assertProblem(r: Res, status: number, code: string) {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status} ${JSON.stringify(r.body)}`);
  assert.match(String(r.headers['content-type']), /application\/problem\+json/);
  assert.equal(r.body.code, code);
  assert.equal(r.body.success, false);
  assert.equal(r.body.status, status);
  assert.equal(typeof r.body.message, 'string');
  assert.equal(typeof r.body.title, 'string');
  assert.equal(r.body.type, `/problems/${code}`);
}
