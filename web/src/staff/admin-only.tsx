// The gate in front of every admin page: signed in, and an admin; anyone else is told the page is
// for administrators. Only what the page shows: the API decides who may do what.
import type { ComponentChildren } from 'preact';
import { t } from '../i18n/index.ts';
import { useStore } from '../lib/store.ts';
import { useTitle } from '../lib/title.ts';
import { RequireLogin } from '../pages/login.tsx';
import { session } from '../session.ts';
import { Loading, Notice } from '../ui.tsx';

export function AdminOnly({ title, children }: { title: string; children: ComponentChildren }) {
  const { user, ready } = useStore(session);
  // the page's own title (a theater's name, a hall's) wins over this one
  useTitle(title, { fallback: true });
  if (!ready) return <Loading />;
  if (!user) return <RequireLogin />;
  if (user.role !== 'admin') {
    return (
      <section>
        <h1>{title}</h1>
        <Notice kind="warn">{t('admin.only')}</Notice>
      </section>
    );
  }
  return <>{children}</>;
}
