// The request (or job run) a piece of work runs for, without passing it down every call: the app
// opens the context for each request (src/app.ts), jobs/every.ts for each run of a job, and what is
// written on its behalf (outbox rows) reads the id from here, so a message's log lines, sent later by
// a worker, name the request or job run that queued it. A job run's own log lines carry its id too
// (the logger's mixin in src/app.ts); a request's carry Fastify's reqId.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

const store = new AsyncLocalStorage<{ requestId: string; job: boolean }>();

/** Runs `fn` (and all it starts) as the work of request `requestId`. */
export function runForRequest<T>(requestId: string, fn: () => T): T {
  return store.run({ requestId, job: false }, fn);
}

/** Runs `fn` as one run of job `name`, under a fresh id (`name-<uuid>`). */
export function runForJob<T>(name: string, fn: () => T): T {
  return store.run({ requestId: `${name}-${randomUUID()}`, job: true }, fn);
}

/** The id of the request or job run this code runs for; null outside both (a script, a test). */
export function currentRequestId(): string | null {
  return store.getStore()?.requestId ?? null;
}

/** Fields for a log line written by a job run: its id; nothing for a request (its logger has reqId). */
export function jobLogFields(): { requestId?: string } {
  const s = store.getStore();
  return s?.job ? { requestId: s.requestId } : {};
}
