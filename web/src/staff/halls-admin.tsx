// A theater's halls (admins): each with its seat count and a link to its layout editor, and a new
// hall drawn from a few numbers (rows, seats per row, an aisle) that the layout editor then refines.
import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import { t, tn } from '../i18n/index.ts';
import { useApi } from '../lib/use-api.ts';
import { navigate } from '../router.ts';
import { ErrorBox } from '../ui.tsx';
import { attempt, Check, Field, type Said, SaidLine, useOneAtATime } from './form-kit.tsx';
import { gridLayout } from './layout-draft.ts';

export function HallsAdmin({ theaterId }: { theaterId: number }) {
  const halls = useApi(() => api.GET('/api/v1/theaters/{id}/halls', { params: { path: { id: theaterId }, query: { limit: 100 } } }), [theaterId]);
  const [said, say] = useState<Said>();
  const [name, setName] = useState('');
  const [screenType, setScreenType] = useState('');
  const [is3d, set3d] = useState(false);
  const [rows, setRows] = useState('8');
  const [perRow, setPerRow] = useState('12');
  const [aisle, setAisle] = useState('6');
  const { busy, run } = useOneAtATime();

  const add = (e: Event) => {
    e.preventDefault();
    void run(() => addHall());
  };
  async function addHall() {
    const layout = gridLayout(Number(rows), Number(perRow), aisle.trim() ? Number(aisle) : undefined);
    const body = {
      theater_id: theaterId,
      name: name.trim(),
      has_3d_capability: is3d,
      layout,
      ...(screenType.trim() ? { screen_type: screenType.trim() } : {}),
    };
    const r = await attempt(api.POST('/api/v1/halls', { body }), say);
    if (!r) return;
    navigate(`/admin/halls/${r.data.data.id}/layout`);
  }

  return (
    <section aria-labelledby="halls-h">
      <h2 id="halls-h">{t('catalog.halls')}</h2>
      {halls.error && <ErrorBox message={halls.error} retry={halls.reload} />}
      {halls.data && (
        <ul class="plain-list" data-testid="halls">
          {halls.data.map((h) => (
            <li key={h.id}>
              {h.name} {[h.screen_type, h.has_3d_capability ? '3D' : null].filter(Boolean).join(', ')} · {tn('catalog.seat_count', h.capacity)} ·{' '}
              <a href={`/admin/halls/${h.id}/layout`} aria-label={t('catalog.edit_layout_named', { name: h.name })}>
                {t('catalog.edit_layout')}
              </a>
            </li>
          ))}
        </ul>
      )}
      <form class="schedule-editor catalog-form" onSubmit={add} aria-labelledby="add-hall-h">
        <h3 id="add-hall-h">{t('catalog.add_hall')}</h3>
        <Field label={t('catalog.hall_name')} required maxLength={100} value={name} onInput={setName} />
        <Field label={t('catalog.screen_type')} maxLength={50} value={screenType} onInput={setScreenType} />
        <Check label={t('catalog.has_3d')} checked={is3d} onChange={set3d} />
        <Field label={t('catalog.rows')} required type="number" min={1} max={26} value={rows} onInput={setRows} />
        <Field label={t('catalog.seats_per_row')} required type="number" min={1} max={60} value={perRow} onInput={setPerRow} />
        <Field label={t('catalog.aisle_after')} type="number" min={1} max={59} value={aisle} onInput={setAisle} />
        <button type="submit" class="primary" disabled={busy}>
          {t('catalog.add_hall_button')}
        </button>
        <SaidLine said={said} />
      </form>
    </section>
  );
}
