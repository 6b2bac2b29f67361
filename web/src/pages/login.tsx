// Log in or create an account, then back to where the customer was going (?next=).
import { useState } from 'preact/hooks';
import { problemText } from '../api/client.ts';
import { t } from '../i18n/index.ts';
import { useTitle } from '../lib/title.ts';
import { navigate, query, route } from '../router.ts';
import { logIn, register } from '../session.ts';
import { Notice } from '../ui.tsx';

/** A new password's minimum length: the server's (auth/password-strength.ts MIN_LENGTH, the register
 * schema's minLength), said on the form before anyone submits; the server still judges the rest. */
export const PASSWORD_MIN_LENGTH = 10;

export function RequireLogin() {
  useTitle(t('auth.login'));
  return (
    <section>
      <h1>{t('auth.login')}</h1>
      <p>{t('auth.needed')}</p>
      <LoginForm mode="login" next={route.get()} />
    </section>
  );
}

export function LoginPage({ mode }: { mode: 'login' | 'register' }) {
  const next = query('next');
  useTitle(mode === 'login' ? t('auth.login') : t('auth.register'));
  return (
    <section class="narrow">
      <h1>{mode === 'login' ? t('auth.login') : t('auth.register')}</h1>
      <LoginForm mode={mode} next={next?.startsWith('/') && !next.startsWith('//') ? next : '/'} />
      <p>
        {mode === 'login' ? t('auth.no_account') : t('auth.have_account')}{' '}
        <a href={`/${mode === 'login' ? 'register' : 'login'}${next ? `?next=${encodeURIComponent(next)}` : ''}`}>
          {mode === 'login' ? t('auth.register') : t('auth.login')}
        </a>
      </p>
    </section>
  );
}

function LoginForm({ mode, next }: { mode: 'login' | 'register'; next: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const length = [...password].length;
    if (mode === 'register' && length < PASSWORD_MIN_LENGTH) {
      setProblem(t('auth.password_short', { n: PASSWORD_MIN_LENGTH, length }));
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      const r = mode === 'login' ? await logIn(email, password) : await register({ email, password, full_name: name });
      if (r.ok) navigate(next, { replace: true });
      else setProblem(r.problem ? problemText(r.problem) : `HTTP ${r.status}`);
    } catch {
      setProblem(t('common.offline'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form" onSubmit={submit}>
      {mode === 'register' && (
        <label>
          {t('auth.full_name')}
          <input name="full_name" autoComplete="name" required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </label>
      )}
      <label>
        {t('auth.email')}
        <input
          name="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        {t('auth.password')}
        <input
          name="password"
          type="password"
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
          required
          aria-describedby={mode === 'register' ? 'password-rule' : undefined}
          value={password}
          onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
        />
      </label>
      {mode === 'register' && (
        <p id="password-rule" class="muted hint">
          {t('auth.password_rule', { n: PASSWORD_MIN_LENGTH })}
        </p>
      )}
      {problem && <Notice kind="warn">{problem}</Notice>}
      <button type="submit" class="primary" disabled={busy}>
        {mode === 'login' ? t('auth.login') : t('auth.register')}
      </button>
    </form>
  );
}
