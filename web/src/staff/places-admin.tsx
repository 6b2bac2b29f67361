// Cities and their theaters (admins): add, rename and delete a city; a city's theaters (inactive
// ones too) with a link to each theater's own page (details, seat rules, halls, prices, refunds);
// adding a theater. Renames are saved with If-Match, read fresh just before.
import { useState } from 'preact/hooks';
import { api, type paths } from '../api/client.ts';
import { t } from '../i18n/index.ts';
import { useApi } from '../lib/use-api.ts';
import { ErrorBox } from '../ui.tsx';
import { attempt, Field, ifMatchOf, type Said, SaidLine, useOneAtATime } from './form-kit.tsx';

type City = paths['/api/v1/cities']['get']['responses'][200]['content']['application/json']['data'][number];

export function PlacesAdmin() {
  const cities = useApi(() => api.GET('/api/v1/cities'), []);
  const [cityId, setCityId] = useState<number | undefined>(undefined);
  const [said, say] = useState<Said>();
  const city = cities.data?.find((c) => c.id === cityId) ?? cities.data?.[0];

  async function rename(c: City) {
    const name = prompt(t('catalog.rename_city', { name: c.name }), c.name)?.trim();
    if (!name || name === c.name) return;
    const fresh = await attempt(api.GET('/api/v1/cities/{id}', { params: { path: { id: c.id } } }), say);
    if (!fresh) return;
    const r = await attempt(
      api.PATCH('/api/v1/cities/{id}', { params: { path: { id: c.id } }, headers: ifMatchOf(fresh.response), body: { name } }),
      say,
    );
    if (!r) return;
    say({ kind: 'ok', text: t('catalog.saved', { name }) });
    cities.reload();
  }
  async function remove(c: City) {
    if (!confirm(t('catalog.delete_confirm', { name: c.name }))) return;
    const r = await attempt(api.DELETE('/api/v1/cities/{id}', { params: { path: { id: c.id } } }), say);
    if (!r) return;
    say({ kind: 'ok', text: t('catalog.deleted', { name: c.name }) });
    setCityId(undefined);
    cities.reload();
  }

  return (
    <section aria-labelledby="places-h">
      <h2 id="places-h">{t('catalog.places')}</h2>
      <SaidLine said={said} />
      {cities.error && <ErrorBox message={cities.error} retry={cities.reload} />}
      {cities.data && (
        <ul class="plain-list" data-testid="cities">
          {cities.data.map((c) => (
            <li key={c.id} class="actions">
              <button
                type="button"
                class={c.id === city?.id ? 'chip chip-on' : 'chip'}
                aria-pressed={c.id === city?.id}
                onClick={() => setCityId(c.id)}
              >
                {c.name}
              </button>
              <button type="button" class="link" onClick={() => void rename(c)} aria-label={t('catalog.rename_named', { name: c.name })}>
                {t('catalog.rename')}
              </button>
              <button type="button" class="link" onClick={() => void remove(c)} aria-label={t('catalog.delete_named', { name: c.name })}>
                {t('catalog.delete')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <AddCity
        say={say}
        onAdded={(id) => {
          setCityId(id);
          cities.reload();
        }}
      />
      {city && <Theaters key={city.id} city={city} say={say} />}
    </section>
  );
}

function AddCity({ say, onAdded }: { say: (s: Said) => void; onAdded: (id: number) => void }) {
  const [name, setName] = useState('');
  const [province, setProvince] = useState('');
  const { busy, run } = useOneAtATime();
  const add = (e: Event) => {
    e.preventDefault();
    void run(() => addCity());
  };
  async function addCity() {
    const r = await attempt(
      api.POST('/api/v1/cities', { body: { name: name.trim(), ...(province.trim() ? { province: province.trim() } : {}) } }),
      say,
    );
    if (!r) return;
    say({ kind: 'ok', text: t('catalog.added', { name }) });
    setName('');
    setProvince('');
    onAdded(r.data.data.id);
  }
  return (
    <form class="schedule-editor catalog-form" onSubmit={add} aria-labelledby="add-city-h">
      <h3 id="add-city-h">{t('catalog.add_city')}</h3>
      <Field label={t('catalog.city_name')} required maxLength={100} value={name} onInput={setName} />
      <Field label={t('catalog.province')} maxLength={100} value={province} onInput={setProvince} />
      <button type="submit" class="primary" disabled={busy}>
        {t('catalog.add')}
      </button>
    </form>
  );
}

function Theaters({ city, say }: { city: City; say: (s: Said) => void }) {
  const theaters = useApi(
    () => api.GET('/api/v1/cities/{id}/theaters', { params: { path: { id: city.id }, query: { include_inactive: true } } }),
    [city.id],
  );
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [zone, setZone] = useState('Asia/Jakarta');
  const { busy, run } = useOneAtATime();
  const add = (e: Event) => {
    e.preventDefault();
    void run(() => addTheater());
  };
  async function addTheater() {
    const r = await attempt(
      api.POST('/api/v1/theaters', { body: { city_id: city.id, name: name.trim(), address: address.trim(), time_zone: zone.trim() } }),
      say,
    );
    if (!r) return;
    say({ kind: 'ok', text: t('catalog.added', { name }) });
    setName('');
    setAddress('');
    theaters.reload();
  }
  return (
    <div>
      <h3>{t('catalog.theaters_in', { city: city.name })}</h3>
      {theaters.error && <ErrorBox message={theaters.error} retry={theaters.reload} />}
      {theaters.data && (
        <ul class="plain-list" data-testid="theaters">
          {theaters.data.length === 0 && <li>{t('catalog.no_theaters')}</li>}
          {theaters.data.map((th) => (
            <li key={th.id}>
              <a href={`/admin/theaters/${th.id}`}>{th.name}</a> {th.is_active ? '' : `(${t('catalog.inactive')})`}{' '}
              {t('catalog.hall_count', { n: th.total_halls })}
            </li>
          ))}
        </ul>
      )}
      <form class="schedule-editor catalog-form" onSubmit={add} aria-labelledby="add-theater-h">
        <h4 id="add-theater-h">{t('catalog.add_theater', { city: city.name })}</h4>
        <Field label={t('catalog.theater_name')} required maxLength={200} value={name} onInput={setName} />
        <Field label={t('catalog.address')} required maxLength={500} value={address} onInput={setAddress} />
        <Field label={t('catalog.time_zone')} required maxLength={64} value={zone} onInput={setZone} />
        <button type="submit" class="primary" disabled={busy}>
          {t('catalog.add')}
        </button>
      </form>
    </div>
  );
}
