// A backend terminated just as its connection is made (pg_terminate_backend on a pool that is
// reconnecting, a failover) can send its FATAL in the same read as the connection's first
// ReadyForQuery. node-postgres then hands the client out (the pool removes its own 'error' listener)
// and emits the error before the taker's transaction has added its listener: an 'error' nobody
// listens to ends the process. The fault suite (ops/faults) saw API instances exit that way under
// pg_terminate_backend, 2 runs in 3. Here a stand-in server answers every connection exactly so,
// every time: the transaction must fail (the request answers 503), the process must live on.
// No PostgreSQL needed: the stand-in speaks just enough of the protocol.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import { connectPostgres } from '../../src/db/client.ts';

let server: Server;
let port = 0;

/** One backend message: type byte, length (itself included), body. */
const message = (type: string, body: Buffer) => {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
};
const int32s = (...ns: number[]) => Buffer.concat(ns.map((n) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255])));
const fields = (f: Record<string, string>) =>
  Buffer.concat([...Object.entries(f).map(([k, v]) => Buffer.from(`${k}${v}\0`, 'utf8')), Buffer.from([0])]);

before(async () => {
  server = createServer((socket) => {
    socket.on('error', () => {});
    // the startup message arrives first; answer it, then terminate in the same write
    socket.once('data', () => {
      socket.end(
        Buffer.concat([
          message('R', int32s(0)), // AuthenticationOk
          message('K', int32s(4242, 1)), // BackendKeyData
          message('Z', Buffer.from('I')), // ReadyForQuery
          message('E', fields({ S: 'FATAL', V: 'FATAL', C: '57P01', M: 'terminating connection due to administrator command' })),
        ]),
      );
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  port = (server.address() as { port: number }).port;
});
after(() => server.close());

test('a connection terminated in the read that made it fails its transaction, and the process lives on', async () => {
  const db = connectPostgres({ url: `postgres://postgres@127.0.0.1:${port}/x`, poolMax: 2, connectTimeoutMs: 2_000 });
  const uncaught: unknown[] = [];
  const keep = (err: unknown) => uncaught.push(err);
  process.on('uncaughtException', keep);
  try {
    for (let i = 0; i < 3; i++) {
      await assert.rejects(
        db.tx(async (trx) => trx.query('SELECT 1')),
        (err: Error) => /not queryable|terminat/i.test(err.message),
      );
    }
    await new Promise((r) => setTimeout(r, 100)); // the sockets' 'end' and 'close' come after
    assert.deepEqual(uncaught, [], 'no error event without a listener');
  } finally {
    process.off('uncaughtException', keep);
    await db.close();
  }
});
