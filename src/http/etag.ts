// Optimistic concurrency over HTTP. A row's `version` is its ETag; a write that sends If-Match with
// another version gets 412 and changes nothing. Writes without If-Match are accepted (the seed's
// clients never send it). Comparison happens inside the write's transaction, after the row lock.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

export const etagOf = (version: number) => `"${version}"`;

export function setEtag(reply: FastifyReply, version: number) {
  reply.header('ETag', etagOf(version));
}

/** The versions If-Match accepts, or undefined when the header is absent or `*`. */
export function ifMatch(req: FastifyRequest): number[] | undefined {
  const raw = req.headers['if-match'];
  if (raw === undefined || raw.trim() === '*') return undefined;
  const versions = raw.split(',').map((tag) => Number(/^\s*(?:W\/)?"(\d+)"\s*$/.exec(tag)?.[1] ?? Number.NaN));
  // An If-Match that parses to nothing can never match: that is a stale precondition too.
  return versions.filter((v) => Number.isSafeInteger(v));
}

/** Throws 412 when the client's If-Match does not name the current version. */
export function checkIfMatch(expected: number[] | undefined, current: number) {
  if (expected !== undefined && !expected.includes(current)) {
    throw new AppError('precondition_failed', `The resource changed (now ${etagOf(current)}); fetch it again`, {
      current_etag: etagOf(current),
    });
  }
}
