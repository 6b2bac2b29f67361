// My refunds, newest first, with their status.
import { api } from '../api/client.ts';
import { money, t } from '../i18n/index.ts';
import { refundReasonText } from '../i18n/reasons.ts';
import { useStore } from '../lib/store.ts';
import { useTitle } from '../lib/title.ts';
import { useApi } from '../lib/use-api.ts';
import { session } from '../session.ts';
import { ErrorBox, Loading } from '../ui.tsx';
import { RequireLogin } from './login.tsx';

export function MyRefundsPage() {
  const { user, ready } = useStore(session);
  useTitle(t('refunds.title'));
  if (!ready) return <Loading />;
  if (!user) return <RequireLogin />;
  return <Refunds />;
}

function Refunds() {
  const list = useApi(() => api.GET('/api/v1/me/refunds', { params: { query: { limit: 50 } } }), []);
  return (
    <section>
      <h1>{t('refunds.title')}</h1>
      {list.error && <ErrorBox message={list.error} retry={list.reload} />}
      {!list.data && !list.error && <Loading />}
      {list.data?.length === 0 && <p class="muted">{t('refunds.none')}</p>}
      <ul class="cards">
        {list.data?.map((r) => (
          <li key={r.id}>
            <a href={`/tickets/${r.ticket_id}`} class="card-link">
              <strong>{money(r.amount, r.currency)}</strong>
              <span class={`status status-${r.status}`}>{t(`refund.status.${r.status}`)}</span>
              {r.reason && <span class="muted">{refundReasonText(r.reason)}</span>}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
