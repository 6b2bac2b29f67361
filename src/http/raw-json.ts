// Hot read paths build their JSON inside PostgreSQL (json_agg) and hand it over as one text value:
// parsing rows into objects and serialising them again cost Node more than the query did. The
// route's schema still documents the shape; tests compare it with the object-built responses.
import type { FastifyReply } from 'fastify';

/** `{success: true, message, data: <dataJson>, ...extra}` as text, without re-serialising dataJson. */
export function envelopeText(message: string, dataJson: string, extra?: Record<string, unknown>): string {
  let tail = '';
  if (extra) for (const [k, v] of Object.entries(extra)) tail += `,${JSON.stringify(k)}:${JSON.stringify(v)}`;
  return `{"success":true,"message":${JSON.stringify(message)},"data":${dataJson}${tail}}`;
}

/** Sends an envelope around JSON text built elsewhere (usually by PostgreSQL). */
export function sendRawData(reply: FastifyReply, message: string, dataJson: string, extra?: Record<string, unknown>) {
  return sendJsonText(reply, envelopeText(message, dataJson, extra));
}

/** Sends a complete JSON document that is already text (a cached, pre-serialised response). */
export function sendJsonText(reply: FastifyReply, json: string) {
  return reply.type('application/json; charset=utf-8').send(json);
}
