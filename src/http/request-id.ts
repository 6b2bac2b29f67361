// The request id: a client's (or its proxy's) x-request-id when it is short and plain, so traces join
// up; otherwise one of ours. Anything else would be echoed in every answer and written into every
// log line of the request (a 3,000-character id was).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const PLAIN = /^[A-Za-z0-9._-]{1,128}$/;

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && PLAIN.test(given) ? given : randomUUID();
}
