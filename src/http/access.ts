// Who may call a route is decided by where it is registered, not by a hook each route must remember.
// A module hands app.ts its routes grouped by access level; each group is registered inside a scope
// whose onRequest hooks check the caller before any route's own hooks run. A route that is in no
// group cannot be registered under /api/v1 at all, and a group can only be more closed than
// `public` by being named so: forgetting a guard fails closed. The OpenAPI entry's `security` is
// written from the same level, so the document says what the scope enforces.
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Deps } from '../deps.ts';
import { authenticate, requireRole } from './auth.ts';

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

const GUARDS: Record<Access, ((app: FastifyInstance) => void) | undefined> = {
  public: undefined,
  customer: (scope) => scope.addHook('onRequest', authenticate()),
  staff: (scope) => {
    scope.addHook('onRequest', authenticate());
    scope.addHook('onRequest', requireRole('staff', 'admin'));
  },
  admin: (scope) => {
    scope.addHook('onRequest', authenticate());
    scope.addHook('onRequest', requireRole('admin'));
  },
};

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
      GUARDS[level]?.(scope);
      for (const groups of modules) {
        const group = groups[level];
        if (group) await scope.register(group, deps);
      }
    });
  }
}
