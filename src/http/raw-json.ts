// Hot read paths build their JSON inside PostgreSQL (json_agg) and hand it over as one text value:
// parsing rows into objects and serialising them again cost Node more than the query did. The
// route's schema still documents the shape; tests compare it with the object-built responses.
import type { FastifyReply } from 'fastify';

/** Sends `{success: true, message, data: <dataJson>, ...extra}` without re-serialising dataJson. */
export function sendRawData(reply: FastifyReply, message: string, dataJson: string, extra?: Record<string, unknown>) {
  let tail = '';
  if (extra) for (const [k, v] of Object.entries(extra)) tail += `,${JSON.stringify(k)}:${JSON.stringify(v)}`;
  return reply
    .type('application/json; charset=utf-8')
    .send(`{"success":true,"message":${JSON.stringify(message)},"data":${dataJson}${tail}}`);
}
