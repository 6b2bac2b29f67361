// The simulator's control panel under /_gateway: the customer's approve page and buttons, fault
// switches, the ledger and the webhook log. Not part of a real gateway; registered beside the API in
// embedded mode and by the standalone gateway process. Nothing here goes through the faults.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { GatewayError } from '../gateway/gateway.ts';
import { PAGE_CSP, renderApprovePage, renderNotFoundPage } from './approve-page.ts';
import { useGatewayErrors } from './http-errors.ts';
import { ledgerTotals } from './ledger.ts';
import { DeliverySchema, ErrorSchema, FaultsBody, FaultsSchema, IdParams, LedgerSchema, PaymentSchema } from './schemas.ts';
import type { Simulator } from './simulator.ts';
import { pageHeaders } from '../http/security-headers.ts';

const tags = ['gateway simulator'];

/** An optional `{failure_code}` (JSON) picks the decline reason; forms send none. */
function declineCode(body: unknown): string | undefined {
  const code = (body as { failure_code?: unknown } | undefined)?.failure_code;
  if (code === undefined || code === '') return undefined;
  if (typeof code !== 'string' || !/^[a-z_]{1,50}$/.test(code)) throw new GatewayError('invalid', 'invalid_failure_code');
  return code;
}

const actionSchema = (summary: string) => ({
  tags,
  summary,
  description: 'JSON clients get the payment; an HTML form (Accept: text/html) is redirected (303) back to the page.',
  params: IdParams,
  response: { 200: PaymentSchema, 303: { description: 'Back to the payment page' }, 400: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
});

// The page's own forms send Accept: text/html; API clients and tests ask for JSON.
const fromBrowser = (req: FastifyRequest) => (req.headers.accept ?? '').includes('text/html');

/** The page's path, derived from the request so it holds under any prefix the host registers this at. */
const pagePath = (req: FastifyRequest) => req.url.split('?')[0].replace(/\/(approve|decline)$/, '');

export async function simulatorControlRoutes(fastify: FastifyInstance, opts: { simulator: Simulator }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const sim = opts.simulator;
  await pageHeaders(fastify);
  useGatewayErrors(app);

  app.get('/_gateway/faults', { schema: { tags, summary: 'Current faults', response: { 200: FaultsSchema } } }, async () => sim.faults());

  app.post(
    '/_gateway/faults',
    {
      schema: {
        tags,
        summary: 'Switch faults (payments, refunds, webhooks, latency_ms)',
        body: FaultsBody,
        response: { 200: FaultsSchema, 400: ErrorSchema },
      },
    },
    async (req) => sim.setFaults(req.body),
  );

  app.get('/_gateway/ledger', { schema: { tags, summary: 'Captured and refunded per payment', response: { 200: LedgerSchema } } }, async () => {
    const payments = sim.ledger();
    return { payments, totals: ledgerTotals(payments) };
  });

  app.get('/_gateway/deliveries', { schema: { tags, summary: 'Webhook delivery log', response: { 200: Type.Array(DeliverySchema) } } }, async () =>
    sim.deliveries(),
  );

  app.get(
    '/_gateway/api/payments/:id',
    { schema: { tags, summary: 'A payment as JSON', params: IdParams, response: { 200: PaymentSchema, 404: ErrorSchema } } },
    async (req) => sim.inspect(req.params.id) ?? notFound(),
  );

  app.get(
    '/_gateway/payments/:id',
    {
      schema: {
        tags,
        summary: 'The approve page (HTML); `<id>.json` gives the payment as JSON',
        params: IdParams,
        querystring: Type.Object({ notice: Type.Optional(Type.String({ maxLength: 50 })) }),
        response: { 200: { description: 'text/html page, or the payment JSON' }, 404: { description: 'Unknown payment' } },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      if (id.endsWith('.json')) return sim.inspect(id.slice(0, -'.json'.length)) ?? notFound();
      const payment = sim.inspect(id);
      reply.header('content-security-policy', PAGE_CSP).header('cache-control', 'no-store').type('text/html; charset=utf-8');
      if (!payment) return reply.code(404).send(renderNotFoundPage(id));
      return reply.send(renderApprovePage(payment, req.url.split('?')[0], req.query.notice));
    },
  );

  // Form posts are urlencoded: a parser for them here only, not for the host app.
  await app.register(async (forms) => {
    forms.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    const typed = forms.withTypeProvider<TypeBoxTypeProvider>();

    typed.post('/_gateway/payments/:id/approve', { schema: actionSchema('The customer approves (pays)') }, async (req, reply) =>
      act(req, reply, 'approved', () => sim.approve(req.params.id)),
    );

    typed.post(
      '/_gateway/payments/:id/decline',
      { schema: actionSchema('The customer declines (or the bank refuses); JSON body {failure_code} optional') },
      async (req, reply) => act(req, reply, 'declined', () => sim.decline(req.params.id, declineCode(req.body))),
    );
  });
}

function act(req: FastifyRequest, reply: FastifyReply, notice: string, run: () => unknown) {
  if (!fromBrowser(req)) return run();
  try {
    run();
  } catch (err) {
    if (!(err instanceof GatewayError) || err.code !== 'payment_not_pending') throw err;
    notice = err.code;
  }
  return reply.redirect(`${pagePath(req)}?notice=${notice}`, 303);
}

function notFound(): never {
  throw new GatewayError('not_found', 'payment_not_found');
}
