// Partner API keys (admins): the keys (never their secrets), issuing one with its scopes and
// theaters, rotating (the old key keeps working for the grace period) and revoking. A new secret is
// shown once, here, with a way to copy it; the server keeps only its hash.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type paths, problemText } from '../api/client.ts';
import { localTime, t } from '../i18n/index.ts';
import { useApi } from '../lib/use-api.ts';
import { ErrorBox, Notice } from '../ui.tsx';
import { AdminOnly } from './admin-only.tsx';

type Key = paths['/api/v1/api-keys']['get']['responses'][200]['content']['application/json']['data'][number];
type Scope = Key['scopes'][number];
const SCOPES: Scope[] = ['catalog:read', 'seatmap:read', 'holds:write', 'checkout:write', 'tickets:read', 'checkin:write'];
const deviceZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function ApiKeysPage() {
  return (
    <AdminOnly title={t('keys.title')}>
      <Keys />
    </AdminOnly>
  );
}

function Keys() {
  const keys = useApi(() => api.GET('/api/v1/api-keys'), []);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [said, setSaid] = useState<{ kind: 'ok' | 'warn'; text: string }>();
  const fail = (error: unknown, response?: Response) =>
    setSaid({ kind: 'warn', text: response ? problemText(error, response) : t('common.offline') });

  async function rotate(k: Key) {
    const r = await api.POST('/api/v1/api-keys/{id}/rotate', { params: { path: { id: k.id } }, body: {} }).catch(() => null);
    if (!r) return fail(null);
    if (r.error) return fail(r.error, r.response);
    setSecret({ name: k.name, secret: r.data.data.secret });
    setSaid({ kind: 'ok', text: t('keys.rotated', { name: k.name }) });
    keys.reload();
  }
  async function revoke(k: Key) {
    if (!confirm(t('keys.revoke_confirm', { name: k.name }))) return;
    const r = await api.POST('/api/v1/api-keys/{id}/revoke', { params: { path: { id: k.id } } }).catch(() => null);
    if (!r) return fail(null);
    if (r.error) return fail(r.error, r.response);
    setSaid({ kind: 'ok', text: t('keys.revoked', { name: k.name }) });
    keys.reload();
  }

  return (
    <section class="api-keys">
      <h1>{t('keys.title')}</h1>
      {secret && <SecretOnce name={secret.name} secret={secret.secret} onDone={() => setSecret(null)} />}
      <div aria-live="polite">{said && <Notice kind={said.kind}>{said.text}</Notice>}</div>
      {keys.error && <ErrorBox message={keys.error} retry={keys.reload} />}
      {keys.data && (
        <div class="table-scroll">
          <table data-testid="keys-table">
            <thead>
              <tr>
                <th scope="col">{t('keys.name')}</th>
                <th scope="col">{t('keys.prefix')}</th>
                <th scope="col">{t('keys.scopes')}</th>
                <th scope="col">{t('keys.status')}</th>
                <th scope="col">{t('keys.last_used')}</th>
                <th scope="col">
                  <span class="sr-only">{t('keys.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.id} data-key={k.prefix}>
                  <th scope="row">{k.name}</th>
                  <td class="code">{k.prefix}</td>
                  <td>{k.scopes.join(', ')}</td>
                  <td>{t(`keys.state.${k.status}`)}</td>
                  <td>{k.last_used_at ? localTime(k.last_used_at, deviceZone, true) : t('keys.never')}</td>
                  <td class="actions">
                    {k.status === 'active' && (
                      <>
                        <button type="button" onClick={() => void rotate(k)} aria-label={t('keys.rotate_named', { name: k.name })}>
                          {t('keys.rotate')}
                        </button>
                        <button type="button" onClick={() => void revoke(k)} aria-label={t('keys.revoke_named', { name: k.name })}>
                          {t('keys.revoke')}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Issue
        onIssued={(name, s) => {
          setSecret({ name, secret: s });
          setSaid(undefined);
          keys.reload();
        }}
        onRefused={fail}
      />
    </section>
  );
}

function SecretOnce({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  // not a live region (a screen reader would read the secret out): focus moves to it instead
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [secret]);
  return (
    <div class="notice notice-ok secret-once">
      <h2 ref={heading} tabIndex={-1}>
        {t('keys.secret_heading')}
      </h2>
      <p>{t('keys.secret_once', { name })}</p>
      <p class="code secret" data-testid="key-secret">
        {secret}
      </p>
      <div class="actions">
        <button
          type="button"
          onClick={() =>
            void navigator.clipboard?.writeText(secret).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? t('keys.copied') : t('keys.copy')}
        </button>
        <button type="button" onClick={onDone}>
          {t('keys.secret_done')}
        </button>
      </div>
    </div>
  );
}

function Issue({ onIssued, onRefused }: { onIssued: (name: string, secret: string) => void; onRefused: (e: unknown, r?: Response) => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['catalog:read', 'seatmap:read']);
  const [theaters, setTheaters] = useState('');
  const [busy, setBusy] = useState(false);
  async function issue(e: Event) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    const ids = theaters
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number);
    const r = await api.POST('/api/v1/api-keys', { body: { name, scopes, ...(ids.length ? { theater_ids: ids } : {}) } }).catch(() => null);
    if (!r) return onRefused(null);
    if (r.error) return onRefused(r.error, r.response);
    onIssued(name, r.data.data.secret);
    setName('');
  }
  return (
    <form class="schedule-editor" onSubmit={issue} aria-labelledby="issue-h">
      <h2 id="issue-h">{t('keys.issue')}</h2>
      <label class="field">
        {t('keys.name')}
        <input required maxLength={100} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </label>
      <fieldset>
        <legend>{t('keys.scopes')}</legend>
        {SCOPES.map((s) => (
          <label key={s} class="check">
            <input
              type="checkbox"
              checked={scopes.includes(s)}
              onChange={(e) => setScopes((e.target as HTMLInputElement).checked ? [...scopes, s] : scopes.filter((x) => x !== s))}
            />{' '}
            {s}
          </label>
        ))}
      </fieldset>
      <label class="field">
        {t('keys.theaters')}
        <input inputMode="numeric" value={theaters} placeholder="1, 2" onInput={(e) => setTheaters((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit" class="primary" disabled={scopes.length === 0 || busy}>
        {t('keys.issue_button')}
      </button>
    </form>
  );
}
