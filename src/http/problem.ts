// Every error leaves as RFC 9457 application/problem+json with a stable `code`, plus the seed's
// envelope fields (`success: false`, `message`) so old clients keep reading it.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERRORS, type ErrorCode } from './errors.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  success: false;
  message: string;
  instance?: string;
  errors?: { path: string; message: string }[];
  [extra: string]: unknown;
}

export function problemOf(code: ErrorCode, detail?: string, extra: Record<string, unknown> = {}, instance?: string): Problem {
  const [status, title] = ERRORS[code];
  const message = detail ?? title;
  return { type: `/problems/${code}`, title, status, detail: message, code, success: false, message, instance, ...extra };
}

export function sendProblem(reply: FastifyReply, problem: Problem, headers: Record<string, string> = {}) {
  if (problem.status === 401) reply.header('WWW-Authenticate', 'Bearer');
  for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

// Fastify's own errors (parsing, limits) mapped onto the catalogue.
function frameworkCode(err: FastifyError): ErrorCode | undefined {
  if (err.validation) return 'validation_failed';
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'payload_too_large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported_media_type';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'validation_failed';
  }
  if (err.statusCode === 400 && (err instanceof SyntaxError || /JSON/i.test(err.message))) return 'invalid_json';
  if (err.statusCode === 413) return 'payload_too_large';
  if (err.statusCode === 415) return 'unsupported_media_type';
  if (err.statusCode === 400) return 'validation_failed';
  return undefined;
}

// Text PostgreSQL cannot store (a NUL byte, a character the encoding lacks): the client's mistake,
// in case a string reaches SQL without passing the NUL guard (nul-guard.ts).
const BAD_TEXT_CODES = new Set(['22021', '22P05']);
// A value PostgreSQL cannot take in its column's type (a number past int4, a year 0 date, a cursor
// that is not a timestamp): a schema should have refused it; should one slip past, it is still the
// client's input, not our fault (logged, so the schema can be tightened).
const BAD_VALUE_CODES = new Set(['22003', '22P02', '22007', '22008']);

// The database (or its pool) could not be reached or shed the request: nothing was done, and the
// client may retry. 503 says that; 500 would say we broke something. "not queryable" is node-postgres
// refusing the next statement of a transaction whose backend went away while it was between two
// statements (pg_terminate_backend, a crash): the error came as an event, the statement gets this
// plain Error with no code (found by the fault suite, ops/faults).
const DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006', '53300']);
function dependencyDown(err: { code?: unknown; message?: string }): boolean {
  if (typeof err.code === 'string' && DOWN_CODES.has(err.code)) return true;
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|Cannot use a pool after calling end|PGlite is closed|connection error and is not queryable/i.test(
    err.message ?? '',
  );
}

export interface ProblemHandlerOptions {
  /** Answers a request no route matched with a page (the web app) and says so; the rest get 404 JSON. */
  page?: (request: FastifyRequest, reply: FastifyReply) => boolean;
}

export function registerProblemHandlers(app: FastifyInstance, opts: ProblemHandlerOptions = {}) {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const instance = request.url;
    if (err instanceof AppError) {
      const extra = err.details ?? {};
      return sendProblem(reply, problemOf(err.code, err.message, extra, instance), err.headers);
    }
    const code = frameworkCode(err);
    if (code === 'validation_failed' && err.validation) {
      const errors = err.validation.map((v) => ({
        path: `${err.validationContext ?? 'body'}${v.instancePath || ''}`,
        message: v.message ?? 'invalid',
      }));
      const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
      return sendProblem(reply, problemOf(code, detail, { errors }, instance));
    }
    if (code) return sendProblem(reply, problemOf(code, undefined, {}, instance));
    if (typeof (err as { code?: unknown }).code === 'string' && BAD_TEXT_CODES.has(err.code)) {
      return sendProblem(reply, problemOf('validation_failed', 'A string holds a character that cannot be stored', {}, instance));
    }
    if (typeof (err as { code?: unknown }).code === 'string' && BAD_VALUE_CODES.has(err.code)) {
      request.log.warn({ err }, 'a value out of its column type reached the database');
      return sendProblem(reply, problemOf('validation_failed', 'A value is out of range or not of its type', {}, instance));
    }
    if (dependencyDown(err)) {
      request.log.warn({ err }, 'dependency unavailable');
      return sendProblem(reply, problemOf('unavailable', undefined, {}, instance), { 'Retry-After': '1' });
    }
    request.log.error({ err }, 'unhandled error');
    return sendProblem(reply, problemOf('internal', undefined, {}, instance));
  });

  app.setNotFoundHandler((request, reply) => {
    if (opts.page?.(request, reply)) return;
    return sendProblem(reply, problemOf('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`, {}, request.url));
  });
}
