// My tickets, newest first, with their status.
import { api } from '../api/client.ts';
import { localTime, t } from '../i18n/index.ts';
import { useStore } from '../lib/store.ts';
import { useTitle } from '../lib/title.ts';
import { useApi } from '../lib/use-api.ts';
import { session } from '../session.ts';
import { ErrorBox, Loading } from '../ui.tsx';
import { RequireLogin } from './login.tsx';

type Status = 'pending_payment' | 'paid' | 'refunded' | 'partially_refunded' | 'cancelled' | 'expired' | 'checked_in';

export function MyTicketsPage() {
  const { user, ready } = useStore(session);
  useTitle(t('tickets.title'));
  if (!ready) return <Loading />;
  if (!user) return <RequireLogin />;
  return <Tickets />;
}

function Tickets() {
  const list = useApi(() => api.GET('/api/v1/me/tickets', { params: { query: { limit: 50 } } }), []);
  return (
    <section>
      <h1>{t('tickets.title')}</h1>
      {list.error && <ErrorBox message={list.error} retry={list.reload} />}
      {!list.data && !list.error && <Loading />}
      {list.data?.length === 0 && <p class="muted">{t('tickets.none')}</p>}
      <ul class="cards">
        {list.data?.map((tk) => (
          <li key={tk.id}>
            <a href={`/tickets/${tk.id}`} class="card-link">
              <strong>{tk.movie.title}</strong>
              <span>{localTime(tk.screening.local_show_time, tk.theater.time_zone, true)}</span>
              <span class="muted">
                {tk.theater.name} · {tk.hall.name} · {tk.seats.map((s) => s.label).join(', ')}
              </span>
              <span class={`status status-${tk.status}`}>{t(`ticket.status.${tk.status as Status}`)}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
