// OpenAPI 3 generated from the route schemas; Swagger UI at /swagger/ (the seed's /swagger/index.html
// redirects there); the document itself at /swagger/json.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export async function registerDocs(app: FastifyInstance) {
  await app.register(swagger, {
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
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      tags: [
        { name: 'auth', description: 'Accounts and tokens' },
        { name: 'screenings', description: "The seed's screening routes" },
        { name: 'ops', description: 'Health and readiness' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/swagger', staticCSP: true });
  app.get('/swagger/index.html', { schema: { hide: true } }, (_req, reply) => reply.redirect('/swagger/', 302));
}
