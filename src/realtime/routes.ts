// GET /api/v1/screenings/{id}/live (WebSocket): the live seat map. The client authenticates with
// ?access_token= or, since browsers cannot set headers on a WebSocket, with a first message
// {"type":"auth","token":"..."} within LIVE_AUTH_WINDOW_MS. It then gets a snapshot (the seat map with its
// version) and deltas {type:"delta", from, version, seats:[{id,status}]} whose versions only grow.
// A client whose version + 1 is below a delta's `from` missed something and re-fetches the map.
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { Deps } from '../deps.ts';
import type { RouteGroups } from '../http/access.ts';
import { authenticateToken, type AuthUser, tokenFrom } from '../http/auth.ts';
import { AppError } from '../http/errors.ts';
import { clientKey } from '../http/request-limit.ts';
import { seatMap } from '../modules/seating/index.ts';
import { documentLiveRoute, liveSchema } from './schemas.ts';
import { socketQuota } from './socket-quota.ts';

// A socket outlives the session check at connect: it asks again this often, and the viewer of a
// session that ended since (logout, revoked family, role or password change) is cut off with 4401.
const RECHECK_MS = 5_000;
// setTimeout's longest wait; a token living longer (ACCESS_TOKEN_TTL_SECONDS is at most a day) is
// never near it, the cap only keeps a hand-made exp from overflowing the timer
const MAX_TIMER_MS = 2 ** 31 - 1;

// Public at the HTTP level (a browser's WebSocket cannot send a header): the socket authenticates
// in band, within LIVE_AUTH_WINDOW_MS, and is re-checked every RECHECK_MS. A viewer that cannot keep up
// (LIVE_MAX_BUFFERED_BYTES unsent) is cut off rather than buffered without limit.
async function livePublicRoutes(app: FastifyInstance, deps: Deps) {
  const perAddress = socketQuota(deps.config.LIVE_SOCKETS_PER_ADDRESS);
  const perAccount = socketQuota(deps.config.LIVE_SOCKETS_PER_ACCOUNT);
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
      // counted from the upgrade on, signed in or not: sockets waiting to authenticate cost too
      // the address as every per-address limit reads it (IPv6 by /64, IPv4-mapped unwrapped)
      const fromAddress = perAddress.enter(clientKey(req.ip));
      if (!fromAddress) {
        socket.close(4429, 'too many live connections from this address');
        return;
      }
      socket.on('close', fromAddress);

      const start = async (token: string) => {
        let user: AuthUser;
        try {
          user = await authenticateToken(app, token);
        } catch {
          socket.close(4401, 'invalid token');
          return;
        }
        if (socket.readyState !== socket.OPEN) return; // gone while the session was checked
        const ofAccount = perAccount.enter(String(user.id));
        if (!ofAccount) {
          socket.close(4429, 'too many live connections for this account');
          return;
        }
        socket.on('close', ofAccount);
        // the token's authority ends at its exp: the socket with it. A client renews its token before
        // then (the web app does, 30 s ahead) and reconnects with the new one on 4401.
        const exp = (app.jwt.decode<{ exp?: number }>(token)?.exp ?? 0) * 1000;
        const expiry = setTimeout(() => socket.close(4401, 'token expired'), Math.min(MAX_TIMER_MS, Math.max(0, exp - Date.now())));
        expiry.unref();
        socket.on('close', () => clearTimeout(expiry));
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
            if (socket.bufferedAmount > deps.config.LIVE_MAX_BUFFERED_BYTES) socket.close(1013, 'too slow');
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
      const timer = setTimeout(() => socket.close(4401, 'authenticate first'), deps.config.LIVE_AUTH_WINDOW_MS);
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
