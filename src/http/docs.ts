// OpenAPI 3 generated from the route schemas; Swagger UI at /swagger/ (the seed's /swagger/index.html
// redirects there); the document itself at /swagger/json. API_DOCS switches the UI and the document's
// routes (off by default in production); the document is still built in process (app.swagger()).
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { pageHeaders } from './security-headers.ts';

// The plugin's own routes are hidden by it; these are the ones a reader may call, shown as such.
const DOCS_ROUTES: Record<string, { summary: string; type: string }> = {
  '/swagger/': { summary: 'Swagger UI', type: 'text/html' },
  '/swagger/index.html': { summary: "Swagger UI at the seed's address (302 to /swagger/)", type: 'text/html' },
  '/swagger/json': { summary: 'This OpenAPI document as JSON', type: 'application/json' },
  '/swagger/yaml': { summary: 'This OpenAPI document as YAML', type: 'application/x-yaml' },
};

function showDocsRoutes({ schema, url }: { schema: FastifySchema; url: string }) {
  const doc = DOCS_ROUTES[url];
  if (!doc) return { schema, url };
  const status = url === '/swagger/index.html' ? 302 : 200;
  const response = { [status]: { description: doc.summary, content: { [doc.type]: { schema: { type: 'string' } } } } };
  return { schema: { ...schema, hide: false, tags: ['docs'], summary: doc.summary, response } as FastifySchema, url };
}

export async function registerDocs(app: FastifyInstance, opts: { ui?: boolean } = {}) {
  await app.register(swagger, {
    transform: showDocsRoutes,
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Cinema Ticket Booking API',
        version: '1.0.0',
        description:
          'Browse screenings, hold seats, pay, get e-tickets, refund. Successes use `{success, message, data}`; ' +
          'errors are application/problem+json with a stable `code`.',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, for GET /metrics' },
        },
      },
      tags: [
        { name: 'auth', description: 'Accounts and tokens' },
        { name: 'screenings', description: "The seed's screening routes" },
        { name: 'ops', description: 'Health, readiness and metrics' },
        { name: 'docs', description: 'This document and its UI (API_DOCS)' },
        { name: 'dev', description: 'Development only: the local mailbox (never in production)' },
      ],
    },
  });
  if (opts.ui === false) return;
  await app.register(async (pages) => {
    await pageHeaders(pages);
    await pages.register(swaggerUi, { routePrefix: '/swagger', staticCSP: true });
    pages.get('/swagger/index.html', { schema: { hide: true } }, (_req, reply) => reply.redirect('/swagger/', 302));
  });
}
