// Who may call a route is decided by where it is registered, not by a hook each route must remember.
// A module hands app.ts its routes grouped by access level; each group is registered inside a scope
// whose onRequest hooks check the caller before any route's own hooks run. A route that is in no
// group cannot be registered under /api/v1 at all, and a group can only be more closed than
// `public` by being named so: forgetting a guard fails closed. The OpenAPI entry's `security` is
// written from the same level, so the document says what the scope enforces.
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { ApiKeyScope } from './api-key-scopes.ts';
import type { Deps } from '../deps.ts';
import { apiKeyFrom, authenticate, authenticateKey, requireRole } from './auth.ts';
import { AppError } from './errors.ts';

export const ACCESS_LEVELS = ['public', 'customer', 'staff', 'admin'] as const;
/** public: anyone; customer: any signed-in account; staff: staff or admin; admin: admin only. */
export type Access = (typeof ACCESS_LEVELS)[number];

export type RouteGroup = (app: FastifyInstance, deps: Deps) => Promise<void>;
/** A module's routes by who may call them. */
export type RouteGroups = Partial<Record<Access, RouteGroup>>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the access level of the scope the route was registered in (routes-and-access test, docs) */
    access?: Access | 'socket' | 'ops';
  }
}

const GUARDS: Record<Access, (app: FastifyInstance) => void> = {
  // a key is optional here; when one is presented it must be good and have the route's scope
  // (a callback hook: the hot public reads without a key pay no promise for it)
  public: (scope) => {
    scope.addHook('onRequest', function optionalKey(this: FastifyInstance, request, _reply, done) {
      const key = apiKeyFrom(request);
      if (key === undefined) return done();
      authenticateKey(this, request, key)
        .then(() => requireScope(request, request.routeOptions.config.scope ?? 'catalog:read'))
        .then(() => done(), done);
    });
  },
  customer: (scope) => {
    scope.addHook('onRequest', authenticate());
    scope.addHook('onRequest', keyScope);
  },
  staff: (scope) => {
    scope.addHook('onRequest', authenticate());
    scope.addHook('onRequest', keyScope);
    scope.addHook('onRequest', requireRole('staff', 'admin'));
  },
  admin: (scope) => {
    scope.addHook('onRequest', authenticate());
    scope.addHook('onRequest', async (request: FastifyRequest) => {
      if (request.apiKey) throw new AppError('forbidden', 'API keys never act as admins');
    });
    scope.addHook('onRequest', requireRole('admin'));
  },
};

/** A key on a customer or staff route: the route must name a scope, and the key must have it. */
async function keyScope(request: FastifyRequest) {
  if (!request.apiKey) return;
  const scope = request.routeOptions.config.scope;
  if (!scope) throw new AppError('insufficient_scope', 'This route is not open to API keys');
  requireScope(request, scope);
}

function requireScope(request: FastifyRequest, scope: ApiKeyScope) {
  if (!request.apiKey?.scopes.includes(scope)) throw new AppError('insufficient_scope', `This API key lacks the scope ${scope}`, { scope });
}

function labelRoutes(scope: FastifyInstance, level: Access) {
  scope.addHook('onRoute', (route: RouteOptions) => {
    route.config = { ...(route.config as object), access: route.config?.access ?? level };
    if (level !== 'public' && route.schema && !route.schema.security) {
      route.schema = { ...route.schema, security: [{ bearerAuth: [] }] };
    }
  });
}

/** Registers every module's route groups, each in the scope of its access level. */
export async function registerByAccess(api: FastifyInstance, modules: RouteGroups[], deps: Deps): Promise<void> {
  for (const level of ACCESS_LEVELS) {
    await api.register(async (scope) => {
      labelRoutes(scope, level);
      GUARDS[level](scope);
      for (const groups of modules) {
        const group = groups[level];
        if (group) await scope.register(group, deps);
      }
    });
  }
}
