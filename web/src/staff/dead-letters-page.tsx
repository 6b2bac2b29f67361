// Messages that could not be delivered (admins): the outbox's dead letters, newest first, each with
// why it failed; "Send again" queues one with a fresh set of attempts once its cause is fixed.
import { useState } from 'preact/hooks';
import { api, problemText } from '../api/client.ts';
import { localTime, t } from '../i18n/index.ts';
import { useApi } from '../lib/use-api.ts';
import { ErrorBox, Notice } from '../ui.tsx';
import { AdminOnly } from './admin-only.tsx';

const deviceZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function DeadLettersPage() {
  return (
    <AdminOnly title={t('dead.title')}>
      <DeadLetters />
    </AdminOnly>
  );
}

function DeadLetters() {
  const dead = useApi(() => api.GET('/api/v1/outbox/dead', { params: { query: { limit: 100 } } }), []);
  const [said, setSaid] = useState<{ kind: 'ok' | 'warn'; text: string }>();
  async function requeue(id: string, recipient: string) {
    const r = await api.POST('/api/v1/outbox/{id}/requeue', { params: { path: { id } } }).catch(() => null);
    if (!r) setSaid({ kind: 'warn', text: t('common.offline') });
    else if (r.error) setSaid({ kind: 'warn', text: problemText(r.error, r.response) });
    else setSaid({ kind: 'ok', text: t('dead.requeued', { recipient }) });
    dead.reload();
  }
  return (
    <section class="dead-letters">
      <h1>{t('dead.title')}</h1>
      <div aria-live="polite">{said && <Notice kind={said.kind}>{said.text}</Notice>}</div>
      {dead.error && <ErrorBox message={dead.error} retry={dead.reload} />}
      {dead.data &&
        (dead.data.length === 0 ? (
          <p>{t('dead.none')}</p>
        ) : (
          <ul class="review-list" data-testid="dead-list">
            {dead.data.map((m) => (
              <li key={m.id} class="review-item" data-id={m.id}>
                <p>
                  <strong>{m.kind}</strong> · {m.channel} · {m.recipient}
                </p>
                <p class="muted">
                  {t('dead.why', { error: m.last_error ?? '-', attempts: m.attempts, time: localTime(m.created_at, deviceZone, true) })}
                </p>
                <button
                  type="button"
                  onClick={() => void requeue(m.id, m.recipient)}
                  aria-label={t('dead.requeue_named', { recipient: m.recipient })}
                >
                  {t('dead.requeue')}
                </button>
              </li>
            ))}
          </ul>
        ))}
    </section>
  );
}
