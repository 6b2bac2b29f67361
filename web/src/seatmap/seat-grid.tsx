// The hall as the layout draws it: every seat at its x/y (aisles are the gaps), placed absolutely on a
// plane with the hall's proportions (cheap to lay out for hundreds of seats), the screen on its
// side, each seat a button named in words ("Row C seat 7, VIP, Rp 75.000, available"). One seat is
// in the tab order at a time; the arrow keys move between seats, Space or Enter selects.
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { hallRendered } from './perf.ts';
import { patchSeat, sameView, type SeatView, seatsHtml } from './seat-layer.ts';
import { locale, money, t } from '../i18n/index.ts';
import { useStore } from '../lib/store.ts';
import type { Seat, SeatMap } from './types.ts';

interface Props {
  map: SeatMap;
  selected: number[];
  onToggle: (seat: Seat) => void;
  /** The layout editor draws the hall with this same component: any seat can be chosen, seats are
   * named by `nameOf`, seats with a problem are flagged, and the price legend is left out. */
  edit?: { nameOf: (seat: Seat, chosen: boolean) => string; flagged: ReadonlySet<number> };
}

// A seat object is replaced only when its status changes (apply.ts), so its name is kept with it.
const names = new WeakMap<Seat, { key: string; name: string }>();

export function seatName(seat: Seat, currency: string, selected: boolean): string {
  const key = `${locale.get()}|${currency}|${selected}`;
  const known = names.get(seat);
  if (known?.key === key) return known.name;
  const name = describeSeat(seat, currency, selected);
  names.set(seat, { key, name });
  return name;
}

function describeSeat(seat: Seat, currency: string, selected: boolean): string {
  return t('seats.seat_name', {
    row: seat.row,
    number: seat.number,
    type: t(`seats.type.${seat.type}`),
    price: money(seat.price, currency),
    status: selected ? t('seats.status.selected') : t(`seats.status.${seat.status}`),
  });
}

/** The seat to go to from `from` by an arrow key: same row left/right, nearest x in the next row up/down. */
function neighbour(seats: Seat[], from: Seat, key: string): Seat | undefined {
  const dx = key === 'ArrowRight' ? 1 : key === 'ArrowLeft' ? -1 : 0;
  const dy = key === 'ArrowDown' ? 1 : key === 'ArrowUp' ? -1 : 0;
  if (dx !== 0) {
    const row = seats.filter((s) => s.y === from.y && Math.sign(s.x - from.x) === dx);
    return row.sort((a, b) => Math.abs(a.x - from.x) - Math.abs(b.x - from.x))[0];
  }
  const ys = [...new Set(seats.filter((s) => Math.sign(s.y - from.y) === dy).map((s) => s.y))].sort(
    (a, b) => Math.abs(a - from.y) - Math.abs(b - from.y),
  );
  if (ys.length === 0) return undefined;
  return seats.filter((s) => s.y === ys[0]).sort((a, b) => Math.abs(a.x - from.x) - Math.abs(b.x - from.x))[0];
}

export function SeatGrid({ map, selected, onToggle, edit }: Props) {
  const [focusId, setFocusId] = useState<number | undefined>(undefined);
  // the seats' names are in the page's language: written again when it changes
  const lang = useStore(locale);
  const grid = useRef<HTMLDivElement>(null);
  const chosen = useMemo(() => new Set(selected), [selected]);
  const byId = useMemo(() => new Map(map.seats.map((s) => [s.id, s])), [map]);
  const { width, height } = useMemo(() => {
    let w = 0;
    let h = 0;
    for (const s of map.seats) {
      if (s.x >= w) w = s.x + 1;
      if (s.y >= h) h = s.y + 1;
    }
    return { width: w, height: h };
  }, [map.seats]);
  const layer = useRef<HTMLDivElement>(null);
  const shown = useRef<{ key: string; views: Map<number, SeatView>; els: Map<number, HTMLElement> } | undefined>(undefined);
  const current =
    (focusId !== undefined ? byId.get(focusId) : undefined) ?? (edit ? undefined : map.seats.find((s) => s.status === 'available')) ?? map.seats[0];
  const screenBottom = map.hall.screen === 'bottom';
  const rowOf = (y: number) => (screenBottom ? height - y : y + 1);
  // seats placed absolutely on a plane of the hall's proportions: no grid track sizing over hundreds of seats
  const pct = (i: number, n: number) => `${((i * 100) / n).toFixed(4)}%`;

  // the seats: written whole for a new hall (or language), then patched where a seat's view changed
  useLayoutEffect(() => {
    const el = layer.current;
    if (!el) return;
    const views = new Map<number, SeatView>();
    for (const seat of map.seats) {
      const isChosen = chosen.has(seat.id);
      views.set(seat.id, {
        seat,
        chosen: isChosen,
        tabbable: seat.id === current?.id,
        name: edit ? edit.nameOf(seat, isChosen) : seatName(seat, map.currency, isChosen),
        at: `left:${pct(seat.x, width)};top:${pct(rowOf(seat.y) - 1, height)}`,
        editing: edit !== undefined,
        flagged: edit?.flagged.has(seat.id),
      });
    }
    const key = `${map.screening_id}|${map.hall.id}|${map.seats.length}|${map.currency}|${lang}|${width}x${height}`;
    const before = shown.current;
    if (!before || before.key !== key) {
      el.innerHTML = seatsHtml([...views.values()]);
      const els = new Map<number, HTMLElement>();
      for (const b of el.querySelectorAll<HTMLElement>('[data-seat]')) els.set(Number(b.dataset.seat), b);
      shown.current = { key, views, els };
      // a new hall wider than the phone: start scrolled to its middle, where the screen is
      const box = grid.current?.closest<HTMLElement>('.hall-scroll');
      if (!before && box && box.scrollWidth > box.clientWidth) box.scrollLeft = (box.scrollWidth - box.clientWidth) / 2;
    } else {
      for (const [id, v] of views) {
        if (sameView(before.views.get(id), v)) continue;
        const b = before.els.get(id);
        if (b) patchSeat(b, v);
      }
      before.views = views;
    }
    hallRendered(grid.current);
  }, [map, chosen, current?.id, edit, lang]);

  // one listener each on the grid, not three on every seat
  const seatOf = (e: Event) => {
    const id = Number((e.target as Element).closest<HTMLElement>('[data-seat]')?.dataset.seat);
    return byId.get(id);
  };
  const onClick = (e: MouseEvent) => {
    const seat = seatOf(e);
    if (seat && (edit || seat.status === 'available' || chosen.has(seat.id))) onToggle(seat);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const seat = seatOf(e);
    if (!seat || !e.key.startsWith('Arrow')) return;
    e.preventDefault();
    const next = neighbour(map.seats, seat, e.key);
    if (!next) return;
    setFocusId(next.id);
    grid.current?.querySelector<HTMLButtonElement>(`[data-seat="${next.id}"]`)?.focus();
  };
  const onFocusIn = (e: FocusEvent) => {
    const seat = seatOf(e);
    if (seat && seat.id !== focusId) setFocusId(seat.id);
  };

  return (
    <div class="hall">
      {/* a hall wider than a phone scrolls sideways in here (the page does not): seats stay tappable */}
      <div class="hall-scroll">
        <div class={`hall-plane ${screenBottom ? 'screen-bottom' : ''}`}>
          <div class="screen" aria-hidden="true">
            {t('seats.screen')}
          </div>
          <div
            ref={grid}
            class="seat-grid"
            role="group"
            aria-label={`${map.hall.name}. ${t('seats.keyboard')}`}
            style={{ '--cols': width, '--rows': height }}
            onClick={onClick}
            onKeyDown={onKeyDown}
            onFocusIn={onFocusIn}
          >
            {rowLabels(map.seats).map(([y, row]) => (
              <span key={`r${y}`} class="row-label" aria-hidden="true" style={`top:${pct(rowOf(y) - 1, height)}`}>
                {row}
              </span>
            ))}
            <div ref={layer} class="seat-layer" />
          </div>
        </div>
      </div>
      {edit ? <EditLegend /> : <Legend currency={map.currency} seats={map.seats} />}
    </div>
  );
}

/** Each row's label once, by its y. */
function rowLabels(seats: Seat[]): [number, string][] {
  const rows = new Map<number, string>();
  for (const s of seats) if (!rows.has(s.y)) rows.set(s.y, s.row);
  return [...rows];
}

function Legend({ seats, currency }: { seats: Seat[]; currency: string }) {
  const types = [...new Set(seats.map((s) => s.type))];
  const priceOf = (type: string) => {
    const prices = seats.filter((s) => s.type === type).map((s) => s.price);
    return money(Math.min(...prices), currency);
  };
  return (
    <div class="legend" role="group" aria-label={t('seats.legend')}>
      {types.map((type) => (
        <span key={type}>
          <i class={`seat ${type} available`} aria-hidden="true" /> {t(`seats.type.${type}`)} {priceOf(type)}
        </span>
      ))}
      <span>
        <i class="seat regular chosen" aria-hidden="true" /> {t('seats.status.selected')}
      </span>
      <span>
        <i class="seat regular held" aria-hidden="true" /> {t('seats.status.held')}
      </span>
      <span>
        <i class="seat regular sold" aria-hidden="true" /> {t('seats.status.sold')}
      </span>
      <span>
        <i class="seat regular blocked" aria-hidden="true" /> {t('seats.status.blocked')}
      </span>
    </div>
  );
}

/** The layout editor's key: seat types by colour, and how a removed seat and a problem look. */
function EditLegend() {
  return (
    <div class="legend" role="group" aria-label={t('seats.legend')}>
      {(['regular', 'vip', 'couple', 'wheelchair', 'companion'] as const).map((type) => (
        <span key={type}>
          <i class={`seat ${type} available`} aria-hidden="true" /> {t(`seats.type.${type}`)}
        </span>
      ))}
      <span>
        <i class="seat regular blocked" aria-hidden="true" /> {t('layout.removed')}
      </span>
      <span>
        <i class="seat regular available flagged" aria-hidden="true" /> {t('layout.problem')}
      </span>
    </div>
  );
}
