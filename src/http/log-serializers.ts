// What a request looks like in the logs. Browsers cannot set headers on a WebSocket, so the live seat
// map takes ?access_token= in its URL: tokens in a query string are replaced before the URL is
// logged (Authorization and cookies are redacted by the logger's `redact` paths).
import type { FastifyRequest } from 'fastify';

const SECRET_PARAM = /([?&](?:access(?:_|%5f)|refresh(?:_|%5f))?token=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return /token=/i.test(url) ? url.replace(SECRET_PARAM, '$1[REDACTED]') : url;
}

/** Fastify's default request serializer, with the URL redacted. */
export function serializeRequest(req: FastifyRequest) {
  return { method: req.method, url: redactUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}
