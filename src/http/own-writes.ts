// Read-your-writes for a customer's own requests: after any write a signed-in caller made (a
// checkout, a cancelled checkout, a refund request) and before its answer leaves, the customer's
// scope is marked, so the next "my tickets" reads the primary instead of a replica that may not
// have replayed it yet (db/replica.ts). Only registered when a replica is configured.
import type { FastifyInstance } from 'fastify';
import { customerWrites, type Reads } from '../db/replica.ts';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function registerOwnWrites(app: FastifyInstance, reads: Reads): void {
  if (!reads.health().configured) return;
  app.addHook('onSend', async (req, reply, payload) => {
    // request.user is set by the auth hook of a signed-in route only (http/auth.ts)
    const user = (req as { user?: { id?: unknown } }).user;
    if (!READS.has(req.method) && reply.statusCode < 400 && typeof user?.id === 'number') await reads.wrote(customerWrites(user.id));
    return payload;
  });
}
