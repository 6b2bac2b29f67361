import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { ok } from '../../http/schemas.ts';
import { keyTheaterOf } from '../apikeys/index.ts';
import { getTicket, myTickets, ticketPdf } from './get-ticket.ts';
import { getTicketSchema, myTicketsSchema, ticketPdfSchema } from './schemas.ts';

/** partner keys with tickets:read may read the tickets of their account (http/access.ts) */
const ticketsScope = { scope: 'tickets:read' as const };

/** Any signed-in account. */
async function ticketCustomerRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // a partner key restricted to some theaters reads tickets only there
  const ticketTheater = keyTheaterOf(deps.db, 'ticket');
  app.get('/tickets/:id', { schema: getTicketSchema, preHandler: ticketTheater, config: ticketsScope }, async (req) =>
    ok('Ticket fetched', await getTicket(deps, req.user, req.params.id)),
  );

  app.get('/me/tickets', { schema: myTicketsSchema, config: ticketsScope }, async (req) => {
    const limit = req.query.limit ?? 20;
    const page = await myTickets(deps, req.user, { limit, cursor: req.query.cursor, status: req.query.status });
    return { ...ok('Tickets fetched', page.items), meta: { next_cursor: page.next, limit } };
  });

  app.get('/tickets/:id/pdf', { schema: ticketPdfSchema, preHandler: ticketTheater, config: ticketsScope }, async (req, reply) => {
    const pdf = await ticketPdf(deps, req.user, req.params.id);
    // binary: no JSON schema to serialise it with
    return (reply as FastifyReply)
      .type('application/pdf')
      .header('content-disposition', `inline; filename="${pdf.filename}"`)
      .header('cache-control', 'private, no-store')
      .send(Buffer.from(pdf.bytes));
  });
}

export const ticketRoutes: RouteGroups = { customer: ticketCustomerRoutes };
