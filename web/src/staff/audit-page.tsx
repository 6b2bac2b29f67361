// The audit trail (admins): who did what, when, from where, with the entity before and after;
// filters by action (or a prefix such as "refund."), entity, entity id and actor; newest first, a
// page at a time ("Show more" follows the API's cursor).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type paths, problemText } from '../api/client.ts';
import { localTime, t } from '../i18n/index.ts';
import { ErrorBox, Loading } from '../ui.tsx';
import { AdminOnly } from './admin-only.tsx';

type Entry = paths['/api/v1/audit-log']['get']['responses'][200]['content']['application/json']['data'][number];
interface Filters {
  action: string;
  entity: string;
  entity_id: string;
  actor_id: string;
}
const deviceZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const EMPTY: Filters = { action: '', entity: '', entity_id: '', actor_id: '' };

export function AuditPage() {
  return (
    <AdminOnly title={t('audit.title')}>
      <Audit />
    </AdminOnly>
  );
}

function Audit() {
  const [form, setForm] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);

  async function load(cursor: string | null) {
    const mine = ++seq.current;
    setError(undefined);
    setBusy(true);
    const query = {
      limit: 50,
      ...(filters.action ? { action: filters.action } : {}),
      ...(filters.entity ? { entity: filters.entity } : {}),
      ...(filters.entity_id ? { entity_id: filters.entity_id } : {}),
      ...(/^\d+$/.test(filters.actor_id) ? { actor_id: Number(filters.actor_id) } : {}),
      ...(cursor ? { cursor } : {}),
    };
    const r = await api.GET('/api/v1/audit-log', { params: { query } }).catch(() => null);
    // a newer question (other filters, or the next page) was asked meanwhile: this answer is old
    if (mine !== seq.current) return;
    setBusy(false);
    if (!r) return setError('offline');
    if (!r.data) return setError(problemText(r.error, r.response));
    setEntries((e) => (cursor ? [...(e ?? []), ...r.data.data] : r.data.data));
    setNext(r.data.meta.next_cursor ?? null);
  }
  useEffect(() => {
    setEntries(null);
    setNext(null);
    void load(null);
  }, [filters]);

  const field = (k: keyof Filters, label: string) => (
    <label>
      {label}
      <input value={form[k]} onInput={(e) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value })} />
    </label>
  );
  return (
    <section class="audit-page">
      <h1>{t('audit.title')}</h1>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters({ ...form });
        }}
      >
        {field('action', t('audit.action'))}
        {field('entity', t('audit.entity'))}
        {field('entity_id', t('audit.entity_id'))}
        {field('actor_id', t('audit.actor_id'))}
        <button type="submit" class="primary">
          {t('audit.filter')}
        </button>
      </form>
      {error && <ErrorBox message={error} retry={() => void load(null)} />}
      {entries === null ? (
        !error && <Loading />
      ) : entries.length === 0 ? (
        <p>{t('audit.none')}</p>
      ) : (
        <ol class="audit-list" data-testid="audit-list">
          {entries.map((e) => (
            <li key={e.id} data-action={e.action}>
              <p>
                <time dateTime={e.at}>{localTime(e.at, deviceZone, true)}</time> · <strong>{e.action}</strong> · {e.entity}
                {e.entity_id ? ` ${e.entity_id}` : ''}
              </p>
              <p class="muted">
                {t('audit.by', { who: e.actor.label ?? (e.actor.id === null ? t('audit.system') : `#${e.actor.id}`), role: e.actor.role ?? '-' })}
                {e.ip ? ` · ${e.ip}` : ''}
                {e.request_id ? ` · ${t('audit.request', { id: e.request_id })}` : ''}
              </p>
              {(e.before !== null || e.after !== null) && (
                <details>
                  <summary>{t('audit.change')}</summary>
                  <div class="audit-change">
                    <div>
                      <p>{t('audit.before')}</p>
                      <pre>{JSON.stringify(e.before, null, 2)}</pre>
                    </div>
                    <div>
                      <p>{t('audit.after')}</p>
                      <pre>{JSON.stringify(e.after, null, 2)}</pre>
                    </div>
                  </div>
                </details>
              )}
            </li>
          ))}
        </ol>
      )}
      {next && (
        <button type="button" disabled={busy} onClick={() => void load(next)}>
          {t('audit.more')}
        </button>
      )}
    </section>
  );
}
