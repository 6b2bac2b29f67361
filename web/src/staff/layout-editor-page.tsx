// The hall layout editor (admins, /admin/halls/:id/layout), on the seat picker's own drawing: choose
// seats (click, or arrows and Space), give them a type (couples pair with the chosen seat beside
// them, a companion serves the nearest wheelchair place), remove or put back, move one to another
// column, add rows and seats, set the aisle columns. The API's own layout rules run on every change,
// and each problem is shown on its seat; nothing is sent while there is one. A refusal from the API
// (a seat sold or held in a coming show cannot be removed) is shown on the seat it concerns, which
// stays drawn, marked removed, so it can be put back.
import { useMemo, useState } from 'preact/hooks';
import { api, type paths, problemCode } from '../api/client.ts';
import { hasMessage, t, tn } from '../i18n/index.ts';
import { useTitle } from '../lib/title.ts';
import { useApi } from '../lib/use-api.ts';
import { SeatGrid } from '../seatmap/seat-grid.tsx';
import type { Seat, SeatMap } from '../seatmap/types.ts';
import { ErrorBox, Loading } from '../ui.tsx';
import { AdminOnly } from './admin-only.tsx';
import { Field, ifMatch, type Said, SaidLine, sayRefusal } from './form-kit.tsx';
import {
  addRow,
  addSeat,
  type Draft,
  draftOf,
  moveSeat,
  problemsOf,
  removeSeats,
  restoreSeats,
  SEAT_TYPES,
  type SeatProblem,
  type SeatType,
  seatKey,
  setAisles,
  setType,
  toInput,
} from './layout-draft.ts';

/** A problem in the reader's language where we have its rule's words, else the rule's own. */
function problemSaid(p: SeatProblem): string {
  const key = `layout.rule.${p.rule}`;
  // a rule's words name a seat; a problem about no seat (an aisle, the whole hall) keeps the rule's own
  if (!hasMessage(key) || (p.seat === undefined && t(key).includes('{seat}'))) return p.text;
  return t(key, { seat: p.seat ?? '' });
}

type Hall = paths['/api/v1/halls/{id}']['get']['responses'][200]['content']['application/json']['data'];
interface Conflict {
  seat: string;
  screening_id: number;
  status: string;
}

export function LayoutEditorPage({ id }: { id: number }) {
  return (
    <AdminOnly title={t('layout.title')}>
      <LayoutLoader id={id} />
    </AdminOnly>
  );
}

function LayoutLoader({ id }: { id: number }) {
  const hall = useApi(() => api.GET('/api/v1/halls/{id}', { params: { path: { id } } }), [id]);
  // kept here: what the last save did outlives the editor it was made in
  const [said, say] = useState<Said>();
  const [generation, setGeneration] = useState(0);
  useTitle(hall.data ? t('layout.heading', { name: hall.data.name }) : undefined);
  if (hall.error) return <ErrorBox message={hall.error} retry={hall.reload} />;
  if (!hall.data) return <Loading />;
  // a fresh editor for each version read: a save or a reload starts from what the server has
  const discard = () => {
    say(undefined);
    setGeneration((g) => g + 1);
    hall.reload();
  };
  return (
    <LayoutEditor key={`${hall.etag}-${generation}`} hall={hall.data} etag={hall.etag} reload={hall.reload} discard={discard} said={said} say={say} />
  );
}

interface EditorProps {
  hall: Hall;
  etag?: string;
  reload: () => void;
  discard: () => void;
  said: Said;
  say: (s: Said) => void;
}

function LayoutEditor({ hall, etag, reload, discard, said, say }: EditorProps) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(hall.layout));
  const [chosen, setChosen] = useState<number[]>([]);
  const [refused, setRefused] = useState<Map<number, string>>(new Map());
  const [type, setTypeChoice] = useState<SeatType>('vip');
  const [newRow, setNewRow] = useState('10');
  const [aisles, setAislesText] = useState(hall.layout.aisles.join(', '));
  const [busy, setBusy] = useState(false);
  const [row, setRow] = useState(hall.layout.rows[0]?.label ?? 'A');

  const problems = useMemo(() => problemsOf(draft), [draft]);
  const flagged = useMemo(() => new Set([...problems.flatMap((p) => (p.seatId ? [p.seatId] : [])), ...refused.keys()]), [problems, refused]);
  const byId = useMemo(() => new Map(draft.seats.map((s) => [s.id, s])), [draft]);
  const ids = new Set(chosen);
  const change = (next: Draft) => {
    setDraft(next);
    setRefused(new Map());
  };

  const map: SeatMap = useMemo(
    () => ({
      screening_id: 0,
      version: 0,
      on_sale: false,
      currency: 'IDR',
      hall: { id: hall.id, name: hall.name, screen_type: hall.screen_type, screen: 'top', aisles: draft.aisles },
      counts: { available: 0, held: 0, sold: 0, blocked: 0 },
      seats: draft.seats.map((s) => ({
        id: s.id,
        label: seatKey(s),
        row: s.row,
        number: s.number,
        type: s.type,
        x: s.x,
        y: s.y,
        status: s.removed ? 'blocked' : 'available',
        price: 0,
      })),
    }),
    [draft, hall],
  );
  const edit = useMemo(() => {
    const why = new Map<number, string[]>();
    for (const p of problems) if (p.seatId) why.set(p.seatId, [...(why.get(p.seatId) ?? []), problemSaid(p)]);
    for (const [id, text] of refused) why.set(id, [...(why.get(id) ?? []), text]);
    const nameOf = (seat: Seat, isChosen: boolean) => {
      const s = byId.get(seat.id);
      const parts = [t('layout.seat_name', { row: seat.row, number: seat.number, type: t(`seats.type.${seat.type}`) })];
      if (s?.removed) parts.push(t('layout.removed'));
      if (isChosen) parts.push(t('seats.status.selected'));
      for (const w of why.get(seat.id) ?? []) parts.push(w);
      return parts.join(', ');
    };
    return { nameOf, flagged };
  }, [problems, refused, byId, flagged]);

  const toggle = (seat: Seat) => setChosen((c) => (c.includes(seat.id) ? c.filter((x) => x !== seat.id) : [...c, seat.id]));
  const only = chosen.length === 1 ? byId.get(chosen[0]) : undefined;
  const rows = [...new Set(draft.seats.map((s) => s.row))];

  const showAnswer = () => requestAnimationFrame(() => document.getElementById('layout-said')?.scrollIntoView({ block: 'center' }));

  async function save() {
    if (busy) return;
    if (problems.length > 0) {
      say({ kind: 'warn', text: t('layout.fix_first', { n: problems.length }) });
      document.getElementById('layout-problems')?.focus();
      showAnswer();
      return;
    }
    setBusy(true);
    const { input } = toInput(draft);
    const r = await api
      .PUT('/api/v1/halls/{id}/layout', { params: { path: { id: hall.id } }, headers: ifMatch(etag), body: input as never })
      .catch(() => null);
    if (r && !r.error) {
      // stays busy: the editor starts again from the saved layout as soon as it is read back
      // seats of the saved layout that are gone now: one added and removed again before saving never was
      const removed = draft.seats.filter((s) => s.removed && !s.added).length;
      say({ kind: 'ok', text: t('layout.saved', { seats: tn('count.seats', r.data.data.capacity), removed }) });
      reload();
      return;
    }
    setBusy(false);
    if (r && problemCode(r.error) === 'layout_removes_sold_seats') {
      const conflicts = (r.error as unknown as { conflicts: Conflict[] }).conflicts;
      const marks = new Map<number, string>();
      for (const c of conflicts) {
        const seat = draft.seats.find((s) => s.removed && seatKey(s) === c.seat);
        if (seat) marks.set(seat.id, t(c.status === 'sold' ? 'layout.sold_in' : 'layout.held_in', { show: c.screening_id }));
      }
      setRefused(marks);
      setChosen([]);
      say({ kind: 'warn', text: t('layout.cannot_remove', { seats: [...new Set(conflicts.map((c) => c.seat))].join(', ') }) });
      showAnswer();
      return;
    }
    sayRefusal(r, say);
    showAnswer();
  }

  return (
    <section class="layout-editor">
      <p>
        <a href={`/admin/theaters/${hall.theater_id}`}>{t('layout.back')}</a>
      </p>
      <h1>{t('layout.heading', { name: hall.name })}</h1>
      <p>{t('layout.help')}</p>
      <SeatGrid map={map} selected={chosen} onToggle={toggle} edit={edit} />
      <p class="layout-count" aria-live="polite">
        {t('layout.count', { seats: tn('count.seats', draft.seats.filter((s) => !s.removed).length), chosen: chosen.length })}
      </p>
      <div id="layout-problems" tabIndex={-1} aria-live="polite">
        {problems.length > 0 && (
          <div class="notice notice-warn">
            <p>{t('layout.problems', { n: problems.length })}</p>
            <ul>
              {problems.slice(0, 20).map((p, i) => (
                <li key={i}>{problemSaid(p)}</li>
              ))}
            </ul>
          </div>
        )}
      </div>
      <div id="layout-said">
        <SaidLine said={said} />
      </div>

      <div class="schedule-editor catalog-form" role="group" aria-label={t('layout.chosen_tools')}>
        <label class="field">
          {t('layout.type')}
          <select value={type} onChange={(e) => setTypeChoice((e.target as HTMLSelectElement).value as SeatType)}>
            {SEAT_TYPES.map((s) => (
              <option key={s} value={s}>
                {t(`seats.type.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <div class="actions">
          <button type="button" disabled={chosen.length === 0} onClick={() => change(setType(draft, ids, type))}>
            {t('layout.apply_type')}
          </button>
          <button type="button" disabled={chosen.length === 0} onClick={() => change(removeSeats(draft, ids))}>
            {t('layout.remove')}
          </button>
          <button type="button" disabled={chosen.length === 0} onClick={() => change(restoreSeats(draft, ids))}>
            {t('layout.restore')}
          </button>
          <button type="button" disabled={chosen.length === 0} onClick={() => setChosen([])}>
            {t('layout.clear')}
          </button>
        </div>
        {only && (
          <Field
            label={t('layout.column', { seat: seatKey(only) })}
            type="number"
            min={0}
            max={999}
            value={String(only.x)}
            onInput={(v) => v !== '' && change(moveSeat(draft, only.id, Number(v)))}
          />
        )}
      </div>

      <div class="schedule-editor catalog-form" role="group" aria-label={t('layout.shape')}>
        <Field label={t('layout.row_seats')} type="number" min={1} max={60} value={newRow} onInput={setNewRow} />
        <div class="actions">
          <button type="button" onClick={() => change(addRow(draft, Number(newRow) || 1))}>
            {t('layout.add_row')}
          </button>
        </div>
        <label class="field">
          {t('layout.row')}
          <select value={row} onChange={(e) => setRow((e.target as HTMLSelectElement).value)}>
            {rows.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <div class="actions">
          <button type="button" disabled={!rows.includes(row)} onClick={() => change(addSeat(draft, row))}>
            {t('layout.add_seat', { row })}
          </button>
        </div>
        {/* applied as typed: the map and its problems follow, and Save never drops what is in the field */}
        <Field
          label={t('layout.aisles')}
          value={aisles}
          onInput={(v) => {
            setAislesText(v);
            change(
              setAisles(
                draft,
                v
                  .split(/[\s,]+/)
                  .filter(Boolean)
                  .map(Number),
              ),
            );
          }}
        />
      </div>

      <div class="actions">
        <button type="button" class="primary" disabled={busy} onClick={() => void save()}>
          {t('layout.save')}
        </button>
        <button type="button" onClick={discard}>
          {t('layout.discard')}
        </button>
      </div>
    </section>
  );
}
