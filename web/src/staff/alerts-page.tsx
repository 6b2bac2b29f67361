// Near-sold-out alerts (admins): the latest ones, and new ones as they are raised (the live feed),
// newest first; the page says when the feed is live and when it is reconnecting.
import { useEffect, useState } from 'preact/hooks';
import { api, type paths } from '../api/client.ts';
import { t, tn } from '../i18n/index.ts';
import { useApi } from '../lib/use-api.ts';
import { ErrorBox, Loading } from '../ui.tsx';
import { type FeedState, followAlerts } from './alert-feed.ts';
import { AdminOnly } from './admin-only.tsx';

type Alert = paths['/api/v1/alerts']['get']['responses'][200]['content']['application/json']['data'][number];

export function AlertsPage() {
  return (
    <AdminOnly title={t('alerts.title')}>
      <Alerts />
    </AdminOnly>
  );
}

function Alerts() {
  const latest = useApi(() => api.GET('/api/v1/alerts', { params: { query: { limit: 50 } } }), []);
  const [live, setLive] = useState<Alert[]>([]);
  const [state, setState] = useState<FeedState>('connecting');
  const loaded = latest.data !== undefined;
  useEffect(() => {
    if (!loaded) return;
    const after = latest.data?.[0]?.id ?? 0;
    return followAlerts<Alert>(after, (a) => setLive((l) => (l.some((x) => x.id === a.id) ? l : [a, ...l])), setState);
  }, [loaded]);
  if (latest.error) return <ErrorBox message={latest.error} retry={latest.reload} />;
  if (!latest.data) return <Loading />;
  const all = [...live, ...latest.data.filter((a) => !live.some((x) => x.id === a.id))];
  return (
    <section class="alerts-page">
      <h1>{t('alerts.title')}</h1>
      <p class={`feed-state feed-${state}`} role="status" data-testid="feed-state">
        {t(`alerts.feed.${state}`)}
      </p>
      {all.length === 0 ? (
        <p>{t('alerts.none')}</p>
      ) : (
        <ul class="alert-list" aria-live="polite" data-testid="alert-list">
          {all.map((a) => (
            <li key={a.id} class={`alert alert-${a.direction}`}>
              <strong>{a.headline}</strong>: {a.movie}, {a.theater} / {a.hall}, {a.local_time}{' '}
              <span class="muted">{t('alerts.counts', { sold: a.sold, sellable: tn('count.seats', a.sellable) })}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
