// The shell: header (brand, city, language, account), then the page the URL names.
import { useEffect, useRef } from 'preact/hooks';
import { locale, t, type Locale } from './i18n/index.ts';
import { focusHeadingWhenLoaded } from './lib/page-focus.ts';
import { useStore } from './lib/store.ts';
import { CheckoutPage } from './pages/checkout.tsx';
import { HomePage } from './pages/home.tsx';
import { LoginPage } from './pages/login.tsx';
import { MoviePage } from './pages/movie.tsx';
import { MyRefundsPage } from './pages/my-refunds.tsx';
import { MyTicketsPage } from './pages/my-tickets.tsx';
import { ShowtimePage } from './pages/showtime.tsx';
import { TheaterPage } from './pages/theater.tsx';
import { TicketPage } from './pages/ticket.tsx';
import { AlertsPage } from './staff/alerts-page.tsx';
import { ApiKeysPage } from './staff/api-keys-page.tsx';
import { AuditPage } from './staff/audit-page.tsx';
import { CatalogPage } from './staff/catalog-page.tsx';
import { CheckinPage } from './staff/checkin-page.tsx';
import { DeadLettersPage } from './staff/dead-letters-page.tsx';
import { LayoutEditorPage } from './staff/layout-editor-page.tsx';
import { OfficePage } from './staff/office-page.tsx';
import { RefundsAdminPage } from './staff/refunds-page.tsx';
import { ReportsPage } from './staff/reports-page.tsx';
import { SchedulePage } from './staff/schedule-page.tsx';
import { TheaterAdminPage } from './staff/theater-admin-page.tsx';
import { match, route } from './router.ts';
import { logOut, session } from './session.ts';

const PAGES: [string, (p: Record<string, string>) => preact.JSX.Element][] = [
  ['/', () => <HomePage />],
  ['/movies/:id', (p) => <MoviePage id={Number(p.id)} />],
  ['/theaters/:id', (p) => <TheaterPage id={Number(p.id)} />],
  ['/showtimes/:id', (p) => <ShowtimePage id={Number(p.id)} />],
  ['/checkout/:holdId', (p) => <CheckoutPage holdId={p.holdId} />],
  ['/tickets/:id', (p) => <TicketPage id={p.id} />],
  ['/me/tickets', () => <MyTicketsPage />],
  ['/me/refunds', () => <MyRefundsPage />],
  ['/staff/checkin', () => <CheckinPage />],
  ['/admin/reports', () => <ReportsPage />],
  ['/admin/refunds', () => <RefundsAdminPage />],
  ['/admin/schedule', () => <SchedulePage />],
  ['/admin/api-keys', () => <ApiKeysPage />],
  ['/admin/alerts', () => <AlertsPage />],
  ['/admin/audit', () => <AuditPage />],
  ['/admin/outbox', () => <DeadLettersPage />],
  ['/admin', () => <OfficePage />],
  ['/admin/catalog', () => <CatalogPage />],
  ['/admin/theaters/:id', (p) => <TheaterAdminPage id={Number(p.id)} />],
  ['/admin/halls/:id/layout', (p) => <LayoutEditorPage id={Number(p.id)} />],
  ['/login', () => <LoginPage mode="login" />],
  ['/register', () => <LoginPage mode="register" />],
];

function Page({ path }: { path: string }) {
  for (const [pattern, view] of PAGES) {
    const params = match(pattern, path);
    if (params) return view(params);
  }
  return <HomePage />;
}

export function App() {
  const path = useStore(route);
  const lang = useStore(locale);
  const { user } = useStore(session);
  // after a navigation, focus the new page's heading once its data is there (page-focus.ts)
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    return focusHeadingWhenLoaded(document.getElementById('main'));
  }, [path.split('?')[0]]);
  return (
    <div>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="top">
        <a class="brand" href="/">
          {t('app.name')}
        </a>
        <nav aria-label="main">
          <a href="/">{t('nav.home')}</a>
          {user && <a href="/me/tickets">{t('nav.tickets')}</a>}
          {user && <a href="/me/refunds">{t('nav.refunds')}</a>}
          {user && user.role !== 'customer' && <a href="/staff/checkin">{t('nav.checkin')}</a>}
          {user?.role === 'admin' && <a href="/admin">{t('nav.office')}</a>}
        </nav>
        <div class="tools">
          <label class="lang">
            <span class="sr-only">{t('nav.language')}</span>
            <select value={lang} onChange={(e) => locale.set((e.target as HTMLSelectElement).value as Locale)}>
              <option value="en">English</option>
              <option value="id">Bahasa Indonesia</option>
            </select>
          </label>
          {user ? (
            <button type="button" class="link" onClick={() => void logOut()}>
              {t('nav.logout')}
            </button>
          ) : (
            <a href={`/login?next=${encodeURIComponent(path)}`}>{t('nav.login')}</a>
          )}
        </div>
      </header>
      <main id="main">
        <Page path={path} />
      </main>
    </div>
  );
}
