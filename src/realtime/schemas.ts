// The live seat map's WebSocket messages, for the OpenAPI document. OpenAPI 3.0 has no words for a
// WebSocket, so the route is shown as the GET that upgrades, its 101 answer carrying the messages the
// server sends, its description the one the client may send and the close codes.
// @fastify/websocket hides every WebSocket route from the document; documentLiveRoute shows it again.
import type { FastifySchema } from 'fastify';
import { Type } from 'typebox';
import { SeatMapSchema, SeatStatus } from '../modules/seating/index.ts';

export const LiveAuthMessage = Type.Object(
  { type: Type.Literal('auth'), token: Type.String({ description: 'An access token' }) },
  { title: 'LiveAuthMessage', description: 'Client to server, first message, when the URL carries no ?access_token=' },
);

export const LiveSnapshotMessage = Type.Object(
  {
    type: Type.Literal('snapshot'),
    success: Type.Boolean(),
    message: Type.String(),
    data: SeatMapSchema,
  },
  {
    title: 'LiveSnapshotMessage',
    description: 'Server to client, once, after authentication: the seat map as GET /screenings/{id}/seats answers it',
  },
);

export const LiveDeltaMessage = Type.Object(
  {
    type: Type.Literal('delta'),
    screening_id: Type.Integer(),
    from: Type.Integer({ description: 'First seat-map version this delta covers' }),
    version: Type.Integer({ description: 'The seat-map version after it; versions only grow' }),
    seats: Type.Array(Type.Object({ id: Type.Integer(), status: SeatStatus })),
  },
  {
    title: 'LiveDeltaMessage',
    description:
      'Server to client, batched (LIVE_BATCH_MS): seats whose status changed. Skip a delta whose version is not above ' +
      'yours; when your version + 1 is below `from` you missed one: fetch the seat map again.',
  },
);

const DESCRIPTION = `Upgrade to a WebSocket (\`GET\` with \`Upgrade: websocket\`; a plain GET answers 404).

**Authentication**: \`?access_token=<access token>\`, or, since browsers cannot set headers on a WebSocket, a first
message \`{"type":"auth","token":"<access token>"}\` (LiveAuthMessage) within LIVE_AUTH_WINDOW_MS (default 5 s).

**Server messages**: one \`snapshot\` (LiveSnapshotMessage), then \`delta\`s (LiveDeltaMessage).

**Close codes**: 4401 no, invalid or ended session, or the access token reached its \`exp\` (reconnect with a
renewed token); 4429 too many live sockets open for this account or address (LIVE_SOCKETS_PER_ACCOUNT,
LIVE_SOCKETS_PER_ADDRESS; poll GET /seats instead); 4404 no such screening; 1013 the client reads too slowly
(more than LIVE_MAX_BUFFERED_BYTES unsent, default 1 MiB); 1011 server error.`;

/** swaggerTransform for GET /screenings/:id/live: shown, with its messages. */
export function documentLiveRoute({ schema, url }: { schema: FastifySchema; url: string }) {
  return {
    url,
    schema: {
      ...schema,
      hide: false,
      description: DESCRIPTION,
      // an access token is needed, given in the URL or the first message (a browser cannot set the header)
      security: [{ bearerAuth: [] }],
      response: {
        101: {
          description: 'Switching Protocols: the socket then carries the messages below (JSON text frames)',
          content: { 'application/json': { schema: Type.Union([LiveSnapshotMessage, LiveDeltaMessage]) } },
        },
        401: { description: 'Never as an HTTP answer: a missing, invalid or ended session closes the socket with 4401' },
        404: { description: 'Not a WebSocket upgrade request' },
      },
    } as FastifySchema,
  };
}

export const liveSchema = {
  tags: ['seating'],
  summary: 'Live seat map (WebSocket)',
  description:
    'Upgrade to a WebSocket. Authenticate with ?access_token= or a first message {"type":"auth","token":"..."}. ' +
    'Messages: {"type":"snapshot", data: <seat map>} then {"type":"delta", from, version, seats}.',
  params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
  querystring: Type.Object({ access_token: Type.Optional(Type.String()) }),
};
