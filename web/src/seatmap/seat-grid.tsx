// The hall as the layout draws it: every seat at its x/y (aisles are the gaps), the screen on its
// side, each seat a button named in words ("Row C seat 7, VIP, Rp 75.000, available"). One seat is
// in the tab order at a time; the arrow keys move between seats, Space or Enter selects.
import { useMemo, useRef, useState } from 'preact/hooks';
import { money, t } from '../i18n/index.ts';
import type { Seat, SeatMap } from './types.ts';

interface Props {
  map: SeatMap;
  selected: number[];
  onToggle: (seat: Seat) => void;
}

export function seatName(seat: Seat, currency: string, selected: boolean): string {
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
  const ys = [...new Set(seats.filter((s) => Math.sign(s.y - from.y) === dy).map((s) => s.y))].sort((a, b) => Math.abs(a - from.y) - Math.abs(b - from.y));
  if (ys.length === 0) return undefined;
  return seats.filter((s) => s.y === ys[0]).sort((a, b) => Math.abs(a.x - from.x) - Math.abs(b.x - from.x))[0];
}

export function SeatGrid({ map, selected, onToggle }: Props) {
  const [focusId, setFocusId] = useState<number | undefined>(undefined);
  const grid = useRef<HTMLDivElement>(null);
  const chosen = useMemo(() => new Set(selected), [selected]);
  const width = Math.max(...map.seats.map((s) => s.x)) + 1;
  const height = Math.max(...map.seats.map((s) => s.y)) + 1;
  const current = map.seats.find((s) => s.id === focusId) ?? map.seats.find((s) => s.status === 'available') ?? map.seats[0];
  const screenBottom = map.hall.screen === 'bottom';

  const onKey = (e: KeyboardEvent, seat: Seat) => {
    if (!e.key.startsWith('Arrow')) return;
    e.preventDefault();
    const next = neighbour(map.seats, seat, e.key);
    if (!next) return;
    setFocusId(next.id);
    grid.current?.querySelector<HTMLButtonElement>(`[data-seat="${next.id}"]`)?.focus();
  };

  return (
    <div class={`hall ${screenBottom ? 'screen-bottom' : ''}`}>
      <div class="screen" aria-hidden="true">
        {t('seats.screen')}
      </div>
      <div
        ref={grid}
        class="seat-grid"
        role="group"
        aria-label={`${map.hall.name}. ${t('seats.keyboard')}`}
        style={{ gridTemplateColumns: `auto repeat(${width}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${height}, auto)`, '--cols': width }}
      >
        {rowLabels(map.seats).map(([y, row]) => (
          <span key={`r${y}`} class="row-label" aria-hidden="true" style={{ gridColumn: 1, gridRow: screenBottom ? height - y : y + 1 }}>
            {row}
          </span>
        ))}
        {map.seats.map((seat) => {
          const isChosen = chosen.has(seat.id);
          const free = seat.status === 'available';
          return (
            <button
              type="button"
              key={seat.id}
              data-seat={seat.id}
              class={`seat ${seat.type} ${seat.status}${isChosen ? ' chosen' : ''}`}
              style={{ gridColumn: seat.x + 2, gridRow: screenBottom ? height - seat.y : seat.y + 1 }}
              aria-label={seatName(seat, map.currency, isChosen)}
              aria-pressed={isChosen}
              aria-disabled={!free && !isChosen}
              tabIndex={seat.id === current?.id ? 0 : -1}
              onFocus={() => setFocusId(seat.id)}
              onKeyDown={(e) => onKey(e, seat)}
              onClick={() => (free || isChosen) && onToggle(seat)}
            >
              <span aria-hidden="true">{seat.number}</span>
            </button>
          );
        })}
      </div>
      <Legend currency={map.currency} seats={map.seats} />
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
    <div class="legend" aria-label={t('seats.legend')}>
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
