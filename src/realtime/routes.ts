// GET /api/v1/screenings/{id}/live (WebSocket): the live seat map. The client authenticates with
// ?access_token= or, since browsers cannot set headers on a WebSocket, with a first message
// {"type":"auth","token":"..."} within AUTH_WINDOW_MS. It then gets a snapshot (the seat map with its
// version) and deltas {type:"delta", from, version, seats:[{id,status}]} whose versions only grow.
// A client whose version + 1 is below a delta's `from` missed something and re-fetches the map.
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { Deps } from '../deps.ts';
import type { RouteGroups } from '../http/access.ts';
import { authenticateToken, type AuthUser, tokenFrom } from '../http/auth.ts';
import { AppError } from '../http/errors.ts';
import { seatMap } from '../modules/seating/index.ts';
import { documentLiveRoute, liveSchema } from './schemas.ts';

const AUTH_WINDOW_MS = 5_000;
// A viewer that cannot keep up (1 MiB unsent) is cut off rather than buffered without limit.
const MAX_BUFFERED = 1 << 20;
// A socket outlives the session check at connect: it asks again this often, and the viewer of a
// session that ended since (logout, revoked family, role or password change) is cut off with 4401.
const RECHECK_MS = 5_000;

// Public at the HTTP level (a browser's WebSocket cannot send a header): the socket authenticates
// in band, within AUTH_WINDOW_MS, and is re-checked every RECHECK_MS.
async function livePublicRoutes(app: FastifyInstance, deps: Deps) {
  app.get(
    '/screenings/:id/live',
    {
      websocket: true,
      config: { swaggerTransform: documentLiveRoute, access: 'socket' },
      schema: liveSchema,
    },
    (socket: WebSocket, req) => {
      const screeningId = (req.params as { id: number }).id;
      let leave: (() => void) | undefined;
      socket.on('close', () => leave?.());

      const start = async (token: string) => {
        let user: AuthUser;
        try {
          user = await authenticateToken(app, token);
        } catch {
          socket.close(4401, 'invalid token');
          return;
        }
        const recheck = setInterval(() => {
          // a failing check (Redis or the database away for a moment) leaves the viewer connected
          app.sessions.isLive(user).then(
            (live) => live || socket.close(4401, 'session ended'),
            () => {},
          );
        }, RECHECK_MS);
        recheck.unref();
        socket.on('close', () => clearInterval(recheck));
        const viewer = {
          send(text: string) {
            if (socket.bufferedAmount > MAX_BUFFERED) socket.close(1013, 'too slow');
            else socket.send(text);
          },
        };
        // Join first, then read the map: a change in between shows up as a delta the client skips
        // (its version is not above the snapshot's) instead of being lost.
        leave = deps.hub.join(screeningId, viewer);
        try {
          const map = await seatMap(deps, screeningId);
          socket.send(`{"type":"snapshot",${map.body.subarray(1).toString()}`);
        } catch (err) {
          socket.close(err instanceof AppError && err.status === 404 ? 4404 : 1011, 'no such screening');
        }
      };

      const given = tokenFrom(req, true);
      if (given) {
        void start(given);
        return;
      }
      const timer = setTimeout(() => socket.close(4401, 'authenticate first'), AUTH_WINDOW_MS);
      socket.once('message', (raw) => {
        clearTimeout(timer);
        let token: unknown;
        try {
          token = (JSON.parse(String(raw)) as { type?: string; token?: unknown }).token;
        } catch {
          token = undefined;
        }
        if (typeof token !== 'string') socket.close(4401, 'first message must be {"type":"auth","token":"..."}');
        else void start(token);
      });
    },
  );
}

export const liveRoutes: RouteGroups = { public: livePublicRoutes };
