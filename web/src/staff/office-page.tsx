// The office (admins, /admin): every admin page, one line each on what it is for. The header links
// here instead of to each page, so it stays one line on a phone.
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/en.ts';
import { AdminOnly } from './admin-only.tsx';

const SECTIONS: [string, MessageKey, MessageKey][] = [
  ['/admin/schedule', 'nav.schedule', 'office.schedule'],
  ['/admin/catalog', 'nav.catalog', 'office.catalog'],
  ['/admin/reports', 'nav.reports', 'office.reports'],
  ['/admin/alerts', 'nav.alerts', 'office.alerts'],
  ['/admin/refunds', 'nav.admin_refunds', 'office.refunds'],
  ['/admin/api-keys', 'nav.keys', 'office.keys'],
  ['/admin/audit', 'nav.audit', 'office.audit'],
  ['/admin/outbox', 'nav.dead', 'office.dead'],
];

export function OfficePage() {
  return (
    <AdminOnly title={t('office.title')}>
      <section>
        <h1>{t('office.title')}</h1>
        <ul class="office">
          {SECTIONS.map(([href, name, what]) => (
            <li key={href}>
              <a href={href}>{t(name)}</a>
              <p>{t(what)}</p>
            </li>
          ))}
        </ul>
      </section>
    </AdminOnly>
  );
}
