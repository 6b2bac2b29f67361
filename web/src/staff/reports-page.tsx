// Reports (admins): a period of the theaters' local days; sales grouped by day, movie, theater, hall
// or payment method as a table (totals in its footer) and, by day, a chart; the same rows as CSV;
// occupancy by hall, top movies, refunds by reason and no-shows. The numbers are the API's
// (/api/v1/reports/*, docs/operations.md says what each means).
import { useState } from 'preact/hooks';
import { api, type paths, problemText } from '../api/client.ts';
import type { MessageKey } from '../i18n/en.ts';
import { hasMessage, money, t, tn } from '../i18n/index.ts';
import { refundReasonText } from '../i18n/reasons.ts';
import { saveBlob } from '../lib/download.ts';
import { useApi } from '../lib/use-api.ts';
import { ErrorBox, Loading } from '../ui.tsx';
import { AdminOnly } from './admin-only.tsx';
import { SalesChart } from './sales-chart.tsx';

// A report answers JSON or CSV; asked for JSON, its rows
type JsonOf<P extends keyof paths> = paths[P] extends { get: { responses: { 200: { content: { 'application/json': { data: infer D } } } } } }
  ? D
  : never;
const asJson = <P extends keyof paths>(p: Promise<unknown>) => p as Promise<{ data?: { data: JsonOf<P> }; error?: unknown; response: Response }>;

const GROUPS = ['day', 'movie', 'theater', 'hall', 'method'] as const;
type Group = (typeof GROUPS)[number];

// the default period ends today on this device's calendar (the period itself is each theater's local days)
const isoDay = (d: Date) => new Intl.DateTimeFormat('en-CA').format(d);
const percent = (x: number) => `${(x * 100).toFixed(1)} %`;

export function ReportsPage() {
  return (
    <AdminOnly title={t('reports.title')}>
      <Reports />
    </AdminOnly>
  );
}

function Reports() {
  const today = isoDay(new Date());
  const [form, setForm] = useState({ from: isoDay(new Date(Date.now() - 6 * 86_400_000)), to: today, group: 'day' as Group });
  const [period, setPeriod] = useState(form);
  return (
    <section class="reports">
      <h1>{t('reports.title')}</h1>
      <form
        class="period"
        onSubmit={(e) => {
          e.preventDefault();
          setPeriod(form);
        }}
      >
        <label>
          {t('reports.from')}
          <input type="date" value={form.from} max={form.to} onInput={(e) => setForm({ ...form, from: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          {t('reports.to')}
          <input type="date" value={form.to} min={form.from} onInput={(e) => setForm({ ...form, to: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          {t('reports.group')}
          <select value={form.group} onChange={(e) => setForm({ ...form, group: (e.target as HTMLSelectElement).value as Group })}>
            {GROUPS.map((g) => (
              <option key={g} value={g}>
                {t(`reports.group.${g}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary">
          {t('reports.show')}
        </button>
      </form>
      {/* keyed by what they show: a new question starts empty, never under the old numbers */}
      <Sales key={`${period.from}|${period.to}|${period.group}`} from={period.from} to={period.to} group={period.group} />
      <Occupancy key={`o${period.from}|${period.to}`} from={period.from} to={period.to} />
      <TopMovies key={`t${period.from}|${period.to}`} from={period.from} to={period.to} />
      <Audience key={`a${period.from}|${period.to}`} from={period.from} to={period.to} />
    </section>
  );
}

function Sales({ from, to, group }: { from: string; to: string; group: Group }) {
  const sales = useApi(
    () => asJson<'/api/v1/reports/sales'>(api.GET('/api/v1/reports/sales', { params: { query: { from, to, group_by: group } } })),
    [from, to, group],
  );
  const [csvError, setCsvError] = useState<string>();
  if (sales.error) return <ErrorBox message={sales.error} retry={sales.reload} />;
  // a new period or grouping: no old numbers under new headings meanwhile
  if (!sales.data || sales.loading) return <Loading />;
  const rows = sales.data;
  async function downloadCsv() {
    setCsvError(undefined);
    try {
      const r = await api.GET('/api/v1/reports/sales', { params: { query: { from, to, group_by: group, format: 'csv' } }, parseAs: 'blob' });
      if (r.data) saveBlob(r.data as unknown as Blob, `sales-by-${group}-${from}-${to}.csv`);
      else setCsvError(problemText(r.error, r.response));
    } catch {
      setCsvError(t('common.offline'));
    }
  }
  const total = rows.reduce(
    (a, r) => ({
      tickets: a.tickets + r.tickets,
      seats: a.seats + r.seats,
      gross: a.gross + Number(r.gross),
      fees: a.fees + Number(r.fees),
      refunds: a.refunds + Number(r.refunds),
      net: a.net + Number(r.net),
    }),
    { tickets: 0, seats: 0, gross: 0, fees: 0, refunds: 0, net: 0 },
  );
  return (
    <section aria-labelledby="sales-h">
      <h2 id="sales-h">{t('reports.sales')}</h2>
      {group === 'day' && rows.length > 1 && <SalesChart days={rows.map((r) => ({ day: r.key, net: Number(r.net) }))} label={t('reports.chart')} />}
      <div class="table-scroll">
        <table data-testid="sales-table">
          <thead>
            <tr>
              <th scope="col">{t(`reports.group.${group}` as MessageKey)}</th>
              <th scope="col">{t('reports.tickets')}</th>
              <th scope="col">{t('reports.seats')}</th>
              <th scope="col">{t('reports.gross')}</th>
              <th scope="col">{t('reports.fees')}</th>
              <th scope="col">{t('reports.refunds')}</th>
              <th scope="col">{t('reports.net')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.label}</th>
                <td>{r.tickets}</td>
                <td>{r.seats}</td>
                <td>{money(r.gross)}</td>
                <td>{money(r.fees)}</td>
                <td>{money(r.refunds)}</td>
                <td>{money(r.net)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-testid="sales-total">
              <th scope="row">{t('reports.total')}</th>
              <td>{total.tickets}</td>
              <td>{total.seats}</td>
              <td>{money(total.gross)}</td>
              <td>{money(total.fees)}</td>
              <td>{money(total.refunds)}</td>
              <td>{money(total.net)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
      {rows.length === 0 && <p>{t('reports.none')}</p>}
      <div class="actions">
        <button type="button" onClick={() => void downloadCsv()}>
          {t('reports.csv')}
        </button>
      </div>
      {csvError && <ErrorBox message={csvError} />}
    </section>
  );
}

function Occupancy({ from, to }: { from: string; to: string }) {
  const occ = useApi(
    () => asJson<'/api/v1/reports/occupancy'>(api.GET('/api/v1/reports/occupancy', { params: { query: { from, to, group_by: 'hall' } } })),
    [from, to],
  );
  if (occ.error) return <ErrorBox message={occ.error} retry={occ.reload} />;
  if (!occ.data || occ.loading) return <Loading />;
  return (
    <section aria-labelledby="occ-h">
      <h2 id="occ-h">{t('reports.occupancy')}</h2>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('reports.group.hall')}</th>
              <th scope="col">{t('reports.screenings')}</th>
              <th scope="col">{t('reports.capacity')}</th>
              <th scope="col">{t('reports.sold')}</th>
              <th scope="col">{t('reports.held')}</th>
              <th scope="col">{t('reports.occupancy_rate')}</th>
            </tr>
          </thead>
          <tbody>
            {occ.data.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.label}</th>
                <td>{r.screenings}</td>
                <td>{r.capacity}</td>
                <td>{r.sold}</td>
                <td>{r.held}</td>
                <td>{percent(r.occupancy)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function TopMovies({ from, to }: { from: string; to: string }) {
  const top = useApi(
    () => asJson<'/api/v1/reports/top-movies'>(api.GET('/api/v1/reports/top-movies', { params: { query: { from, to, limit: 10 } } })),
    [from, to],
  );
  if (top.error) return <ErrorBox message={top.error} retry={top.reload} />;
  if (!top.data || top.loading) return <Loading />;
  return (
    <section aria-labelledby="top-h">
      <h2 id="top-h">{t('reports.top')}</h2>
      <ol class="top-movies">
        {top.data.map((m) => (
          <li key={m.movie_id}>
            {t('reports.top_line', {
              title: m.title,
              seats: tn('count.seats', m.seats_sold),
              screenings: tn('count.shows', m.screenings),
              revenue: money(m.revenue),
            })}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Audience({ from, to }: { from: string; to: string }) {
  const refunds = useApi(() => api.GET('/api/v1/reports/refunds', { params: { query: { from, to } } }), [from, to]);
  const noShows = useApi(() => api.GET('/api/v1/reports/no-shows', { params: { query: { from, to } } }), [from, to]);
  if (refunds.error) return <ErrorBox message={refunds.error} retry={refunds.reload} />;
  if (noShows.error) return <ErrorBox message={noShows.error} retry={noShows.reload} />;
  if (!refunds.data || !noShows.data || refunds.loading || noShows.loading) return <Loading />;
  const r = refunds.data;
  const n = noShows.data;
  return (
    <section aria-labelledby="aud-h">
      <h2 id="aud-h">{t('reports.audience')}</h2>
      <p>{t('reports.refund_rate', { rate: percent(r.refund_rate), refunded: r.seats_refunded, sold: tn('count.seats', r.seats_sold) })}</p>
      {r.by_reason.length > 0 && (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('reports.reason')}</th>
                <th scope="col">{t('reports.by')}</th>
                <th scope="col">{t('reports.refunds')}</th>
                <th scope="col">{t('reports.seats')}</th>
                <th scope="col">{t('reports.amount')}</th>
              </tr>
            </thead>
            <tbody>
              {r.by_reason.map((x) => (
                <tr key={`${x.reason}|${x.initiated_by}`}>
                  <th scope="row">{refundReasonText(x.reason)}</th>
                  <td>{hasMessage(`reports.by.${x.initiated_by}`) ? t(`reports.by.${x.initiated_by}` as MessageKey) : x.initiated_by}</td>
                  <td>{x.refunds}</td>
                  <td>{x.seats}</td>
                  <td>{money(x.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p>{t('reports.no_shows', { rate: percent(n.no_show_rate), missing: n.no_shows, tickets: tn('count.tickets', n.tickets) })}</p>
    </section>
  );
}
