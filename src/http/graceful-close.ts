// Closing without waiting on idle keep-alive sockets. Node's server.close() (which app.close() calls)
// closes the connections idle at that moment, but one whose request was still in flight becomes idle
// a moment later and is then kept for the keep-alive timeout (Fastify's default: 72 s): a drain, a
// rolling deploy or a test's teardown would wait that long for a client that has nothing more to ask.
// So once the instance drains (SIGTERM, lifecycle.draining) or closes, every answer asks its client
// to close the connection, and while close() waits, idle sockets are closed as they appear.
import type { FastifyInstance } from 'fastify';

const SWEEP_MS = 100;

export function registerGracefulClose(app: FastifyInstance, lifecycle: { draining: boolean }) {
  let closing = false;
  let sweep: NodeJS.Timeout | undefined;
  // Synchronous: an async hook costs a promise on every answer, the hot read paths' included.
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (closing || lifecycle.draining) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('preClose', (done) => {
    closing = true;
    sweep = setInterval(() => app.server.closeIdleConnections(), SWEEP_MS);
    sweep.unref();
    done();
  });
  app.addHook('onClose', (_app, done) => {
    clearInterval(sweep);
    done();
  });
}
