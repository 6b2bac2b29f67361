// The catalog (admins, /admin/catalog): movies; cities and their theaters (each theater's own page has
// its details, seat rules, halls and layouts, prices and refund policy); the default refund policy.
import { t } from '../i18n/index.ts';
import { AdminOnly } from './admin-only.tsx';
import { MoviesAdmin } from './movies-admin.tsx';
import { PlacesAdmin } from './places-admin.tsx';
import { RefundPolicyForm } from './refund-policy-form.tsx';

export function CatalogPage() {
  return (
    <AdminOnly title={t('catalog.title')}>
      <section class="catalog-page">
        <h1>{t('catalog.title')}</h1>
        <nav aria-label={t('catalog.sections')} class="actions">
          <a href="#movies-h">{t('catalog.movies')}</a>
          <a href="#places-h">{t('catalog.places')}</a>
          <a href="#policy-h">{t('catalog.default_policy')}</a>
        </nav>
        <MoviesAdmin />
        <PlacesAdmin />
        <RefundPolicyForm />
      </section>
    </AdminOnly>
  );
}
