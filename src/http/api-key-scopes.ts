// What a partner's API key may do. A route names the scope it needs (route config `scope`); a key
// without it is refused (403 insufficient_scope). Public routes need catalog:read when a key is
// presented, unless they name another; customer and staff routes that name no scope refuse keys;
// admin routes refuse every key: a key acts for its partner, never as an admin.
export const API_KEY_SCOPES = ['catalog:read', 'seatmap:read', 'holds:write', 'checkout:write', 'tickets:read', 'checkin:write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the scope an API key needs to call this route */
    scope?: ApiKeyScope;
  }
}
