// A free TCP port on loopback, for a server this process is about to start (the cluster's instances,
// a private PostgreSQL or Redis, the tests' and benchmarks' own servers).
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}
