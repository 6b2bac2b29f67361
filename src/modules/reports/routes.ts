// /reports/*: for admins. Each report reads its period and filters, answers JSON, or CSV streamed.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { afterCursor } from '../../http/paging.ts';
import { ok } from '../../http/schemas.ts';
import { encodeCursor } from '../../lib/cursor.ts';
import { amount, sumAmounts } from './amounts.ts';
import { noShows, refundSummary, topMovies } from './audience.ts';
import { type Cell, csvStream } from './csv.ts';
import { occupancyByScreening, occupancyReport } from './occupancy.ts';
import { period } from './period.ts';
import { salesReport, type SalesRow } from './sales.ts';
import { noShowsSchema, occupancySchema, refundsReportSchema, salesSchema, topMoviesSchema } from './schemas.ts';

const num = amount;

function sendCsv(reply: FastifyReply, name: string, header: string[], rows: Cell[][]) {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(csvStream(header, rows));
}

/** The sum of every row: the totals line (money added in cents, exactly). */
function totals(rows: SalesRow[]): SalesRow {
  const sum = (k: 'tickets' | 'seats' | 'refunded_seats') => rows.reduce((s, r) => s + r[k], 0);
  const money = (k: 'gross' | 'fees' | 'refunds' | 'net') => sumAmounts(rows.map((r) => r[k]));
  return {
    key: 'total',
    label: 'Total',
    tickets: sum('tickets'),
    seats: sum('seats'),
    gross: money('gross'),
    fees: money('fees'),
    refunds: money('refunds'),
    refunded_seats: sum('refunded_seats'),
    net: money('net'),
  };
}

const presentSales = (r: SalesRow) => ({ ...r, gross: num(r.gross), fees: num(r.fees), refunds: num(r.refunds), net: num(r.net) });

async function reportAdminRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/reports/sales', { schema: salesSchema }, async (req, reply) => {
    const q = req.query;
    const p = period(q.from, q.to);
    const group = q.group_by ?? 'day';
    const rows = await salesReport(await deps.reads.lagTolerant(), p, group, { theaterId: q.theater_id, movieId: q.movie_id });
    const header = ['key', 'label', 'tickets', 'seats', 'gross', 'fees', 'refunds', 'refunded_seats', 'net'] as const;
    if (q.format === 'csv')
      return sendCsv(
        reply,
        `sales-by-${group}-${p.from}-${p.to}`,
        [...header],
        rows.map((r) => header.map((h) => r[h])),
      );
    return {
      ...ok('Sales report', rows.map(presentSales)),
      meta: { period: p, group_by: group, currency: deps.config.CURRENCY, totals: presentSales(totals(rows)) },
    };
  });

  app.get('/reports/occupancy', { schema: occupancySchema }, async (req, reply) => {
    const q = req.query;
    const p = period(q.from, q.to);
    const group = q.group_by ?? 'screening';
    const csv = q.format === 'csv';
    const f = { theaterId: q.theater_id };
    // by screening, a year is a hundred thousand rows: JSON comes in cursor pages, the CSV whole
    const limit = group === 'screening' && !csv ? (q.limit ?? 100) : undefined;
    const { rows, next } =
      group === 'screening'
        ? await occupancyByScreening(await deps.reads.lagTolerant(), p, f, { limit, after: csv ? undefined : afterCursor(q.cursor) })
        : { rows: await occupancyReport(await deps.reads.lagTolerant(), p, group, f), next: null };
    const header = ['key', 'label', 'screenings', 'capacity', 'sold', 'held', 'occupancy'] as const;
    if (csv)
      return sendCsv(
        reply,
        `occupancy-by-${group}-${p.from}-${p.to}`,
        [...header],
        rows.map((r) => header.map((h) => r[h])),
      );
    const paging = limit === undefined ? {} : { limit, next_cursor: next ? encodeCursor([next.showTime, next.id]) : null };
    return { ...ok('Occupancy report', rows), meta: { period: p, group_by: group, ...paging } };
  });

  app.get('/reports/top-movies', { schema: topMoviesSchema }, async (req, reply) => {
    const q = req.query;
    const p = period(q.from, q.to);
    const rows = await topMovies(await deps.reads.lagTolerant(), p, { theaterId: q.theater_id, limit: q.limit ?? 10 });
    const header = ['movie_id', 'title', 'screenings', 'seats_sold', 'revenue'] as const;
    if (q.format === 'csv')
      return sendCsv(
        reply,
        `top-movies-${p.from}-${p.to}`,
        [...header],
        rows.map((r) => header.map((h) => r[h])),
      );
    return {
      ...ok(
        'Top movies',
        rows.map((r) => ({ ...r, revenue: num(r.revenue) })),
      ),
      meta: { period: p },
    };
  });

  app.get('/reports/refunds', { schema: refundsReportSchema }, async (req) => {
    const p = period(req.query.from, req.query.to);
    const r = await refundSummary(await deps.reads.lagTolerant(), p, { theaterId: req.query.theater_id });
    return { ...ok('Refund report', { ...r, by_reason: r.by_reason.map((b) => ({ ...b, amount: num(b.amount) })) }), meta: { period: p } };
  });

  app.get('/reports/no-shows', { schema: noShowsSchema }, async (req) => {
    const p = period(req.query.from, req.query.to);
    return { ...ok('No-show report', await noShows(await deps.reads.lagTolerant(), p, { theaterId: req.query.theater_id })), meta: { period: p } };
  });
}

export const reportRoutes: RouteGroups = { admin: reportAdminRoutes };
