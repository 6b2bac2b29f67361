// Closing does not wait on a keep-alive client (http/graceful-close.ts). A request still in flight
// when close() begins finishes, its answer says `connection: close`, the server closes the socket,
// and close() returns: before, the socket went idle after close() had swept the idle ones and was kept
// for the 72 s keep-alive timeout (a test's teardown waited 70 s for the gateway simulator's webhook
// connection). Draining (SIGTERM with DRAIN_MS) asks clients to close too, before close() begins.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, test } from 'node:test';
import { startTestApp, type TestApp } from './helpers/runtime.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.rt.close();
  t = undefined;
});

/** A keep-alive POST whose body is sent only when `finish` is called; resolves with the answer and its socket. */
function slowPost(port: number, path: string, body: string) {
  const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', connection: 'keep-alive' } });
  req.flushHeaders();
  const answered = new Promise<{ status: number; connection: string | undefined; socket: Socket }>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, socket: req.socket as Socket }));
    });
    req.on('error', reject);
  });
  return { finish: () => req.end(body), answered };
}

const socketClosed = (socket: Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

test('a request in flight when close() begins is answered with connection: close, and close() does not wait on its socket', {
  timeout: 20_000,
}, async () => {
  t = await startTestApp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (t.app.server.address() as AddressInfo).port;
  const post = slowPost(port, '/api/v1/auth/login', JSON.stringify({ email: 'customer@cinema.com', password: 'password' }));
  // the server has the request (headers in, body awaited) before close() begins
  await new Promise<void>((resolve) => t?.app.server.once('request', () => resolve()));
  const closed = t.app.close();
  post.finish();
  const answer = await post.answered;
  assert.equal(answer.status, 200, 'the request in flight is served');
  assert.equal(answer.connection, 'close');
  await socketClosed(answer.socket);
  await closed; // without the sweep this waits for the keep-alive timeout, past this test's bound
});

test('while the instance drains, answers ask the client to close the connection; before, they keep it', async () => {
  t = await startTestApp();
  const before = await t.app.inject({ method: 'GET', url: '/healthz' });
  assert.notEqual(before.headers.connection, 'close');
  t.rt.lifecycle.draining = true;
  const during = await t.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(during.headers.connection, 'close');
  await t.app.close();
});
