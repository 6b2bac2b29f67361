// One theater, for admins (/admin/theaters/:id): its details and seat rules, its halls (each with a
// link to its layout editor, and a new hall made from rows and seats), its price card and its refund
// policy. Each part is its own form, saved on its own with the ETag it was read with.
import { useEffect, useState } from 'preact/hooks';
import { api, type paths } from '../api/client.ts';
import { t } from '../i18n/index.ts';
import { useTitle } from '../lib/title.ts';
import { useApi } from '../lib/use-api.ts';
import { ErrorBox, Loading } from '../ui.tsx';
import { AdminOnly } from './admin-only.tsx';
import { attempt, Check, Field, ifMatch, type Said, SaidLine, useOneAtATime } from './form-kit.tsx';
import { HallsAdmin } from './halls-admin.tsx';
import { PriceCardForm } from './price-card-form.tsx';
import { RefundPolicyForm } from './refund-policy-form.tsx';

type Theater = paths['/api/v1/theaters/{id}']['get']['responses'][200]['content']['application/json']['data'];

export function TheaterAdminPage({ id }: { id: number }) {
  return (
    <AdminOnly title={t('catalog.theater')}>
      <TheaterAdmin id={id} />
    </AdminOnly>
  );
}

function TheaterAdmin({ id }: { id: number }) {
  const theater = useApi(() => api.GET('/api/v1/theaters/{id}', { params: { path: { id } } }), [id]);
  useTitle(theater.data?.name);
  if (theater.error) return <ErrorBox message={theater.error} retry={theater.reload} />;
  if (!theater.data) return <Loading />;
  return (
    <section class="catalog-page">
      <p>
        <a href="/admin/catalog">{t('catalog.back')}</a>
      </p>
      <h1>{theater.data.name}</h1>
      <TheaterSettings theater={theater.data} etag={theater.etag} onSaved={theater.reload} />
      <HallsAdmin theaterId={id} />
      <PriceCardForm theaterId={id} />
      <RefundPolicyForm theaterId={id} />
    </section>
  );
}

const percentsText = (p: number[]) => p.join(', ');

function TheaterSettings({ theater, etag, onSaved }: { theater: Theater; etag?: string; onSaved: () => void }) {
  const [d, setD] = useState(() => ({ ...theater, percents: percentsText(theater.sellout_alert_percents) }));
  useEffect(() => setD({ ...theater, percents: percentsText(theater.sellout_alert_percents) }), [theater]);
  const [said, say] = useState<Said>();
  const text = (k: 'name' | 'address' | 'time_zone' | 'contact_phone' | 'contact_email') => (v: string) => setD((x) => ({ ...x, [k]: v }));
  const flag = (k: 'is_active' | 'orphan_seat_rule' | 'companion_needs_wheelchair') => (v: boolean) => setD((x) => ({ ...x, [k]: v }));

  const { busy, run } = useOneAtATime();
  const save = (e: Event) => {
    e.preventDefault();
    void run(() => saveSettings());
  };
  async function saveSettings() {
    const body = {
      name: d.name.trim(),
      address: d.address.trim(),
      time_zone: d.time_zone.trim(),
      contact_phone: d.contact_phone?.trim() || null,
      contact_email: d.contact_email?.trim() || null,
      is_active: d.is_active,
      orphan_seat_rule: d.orphan_seat_rule,
      companion_needs_wheelchair: d.companion_needs_wheelchair,
      sellout_alert_percents: d.percents
        .split(/[\s,]+/)
        .filter(Boolean)
        .map(Number),
    };
    const r = await attempt(api.PATCH('/api/v1/theaters/{id}', { params: { path: { id: theater.id } }, headers: ifMatch(etag), body }), say, onSaved);
    if (!r) return;
    say({ kind: 'ok', text: t('catalog.saved', { name: body.name }) });
    onSaved();
  }

  return (
    <form class="schedule-editor catalog-form" onSubmit={save} aria-labelledby="settings-h">
      <h2 id="settings-h">{t('catalog.details')}</h2>
      <Field label={t('catalog.theater_name')} required maxLength={200} value={d.name} onInput={text('name')} />
      <Field label={t('catalog.address')} required maxLength={500} value={d.address} onInput={text('address')} />
      <Field label={t('catalog.time_zone')} required maxLength={64} value={d.time_zone} onInput={text('time_zone')} />
      <Field label={t('catalog.phone')} type="tel" value={d.contact_phone ?? ''} onInput={text('contact_phone')} />
      <Field label={t('catalog.email')} type="email" value={d.contact_email ?? ''} onInput={text('contact_email')} />
      <Check label={t('catalog.active')} checked={d.is_active} onChange={flag('is_active')} />
      <fieldset>
        <legend>{t('catalog.seat_rules')}</legend>
        <Check label={t('catalog.orphan_rule')} checked={d.orphan_seat_rule} onChange={flag('orphan_seat_rule')} />
        <Check label={t('catalog.companion_rule')} checked={d.companion_needs_wheelchair} onChange={flag('companion_needs_wheelchair')} />
        <Field label={t('catalog.alert_percents')} value={d.percents} onInput={(v) => setD((x) => ({ ...x, percents: v }))} />
      </fieldset>
      <button type="submit" class="primary" disabled={busy}>
        {t('catalog.save')}
      </button>
      <SaidLine said={said} />
    </form>
  );
}
