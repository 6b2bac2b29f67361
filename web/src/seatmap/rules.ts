// The seat rules the server applies, explained before a request where the page can tell:
// couple seats go in pairs, a companion seat goes with its wheelchair place, and no single empty
// seat may be left between taken ones in a row (when the theater applies the orphan rule).
import { t } from '../i18n/index.ts';
import type { Seat } from './types.ts';

/** The selection after a click on a seat: a couple seat brings its partner, a second click removes both. */
export function toggleSeat(selected: number[], seat: Seat, byId: Map<number, Seat>): number[] {
  const group = [seat.id];
  if (seat.type === 'couple' && seat.pair_seat_id && byId.get(seat.pair_seat_id)?.status === 'available') group.push(seat.pair_seat_id);
  if (selected.includes(seat.id)) return selected.filter((id) => !group.includes(id));
  return [...selected, ...group.filter((id) => !selected.includes(id))];
}

/** What the customer should know about the current selection, in words; empty when nothing. */
export function ruleNotes(
  selected: number[],
  seats: Seat[],
  byId: Map<number, Seat>,
  opts: { orphanRule: boolean; companionNeedsWheelchair: boolean },
): string[] {
  const notes: string[] = [];
  const chosen = new Set(selected);
  for (const id of selected) {
    const s = byId.get(id);
    if (!s) continue;
    if (s.type === 'couple' && s.pair_seat_id && chosen.has(s.pair_seat_id) && s.id < s.pair_seat_id) {
      notes.push(t('seats.rule.couple', { labels: `${s.label} + ${byId.get(s.pair_seat_id)?.label}` }));
    }
    if (opts.companionNeedsWheelchair && s.type === 'companion' && s.companion_for_seat_id && !chosen.has(s.companion_for_seat_id)) {
      notes.push(t('seats.rule.companion', { label: byId.get(s.companion_for_seat_id)?.label ?? '' }));
    }
  }
  if (opts.orphanRule) for (const label of orphansLeft(chosen, seats)) notes.push(t('seats.rule.orphan', { label }));
  return notes;
}

/** Seats that the selection would leave as a lone empty seat between taken ones (or a row end). */
export function orphansLeft(chosen: Set<number>, seats: Seat[]): string[] {
  if (chosen.size === 0) return [];
  const rows = new Map<number, Seat[]>();
  for (const s of seats) rows.set(s.y, [...(rows.get(s.y) ?? []), s]);
  const found: string[] = [];
  for (const row of rows.values()) {
    if (!row.some((s) => chosen.has(s.id))) continue;
    row.sort((a, b) => a.x - b.x);
    const free = (s: Seat | undefined) => s !== undefined && s.status === 'available' && !chosen.has(s.id);
    for (let i = 0; i < row.length; i++) {
      const s = row[i];
      if (!free(s)) continue;
      // neighbours in the same block (an aisle gap of more than one x ends a block)
      const left = i > 0 && row[i - 1].x === s.x - 1 ? row[i - 1] : undefined;
      const right = i < row.length - 1 && row[i + 1].x === s.x + 1 ? row[i + 1] : undefined;
      const nextToChosen = (left && chosen.has(left.id)) || (right && chosen.has(right.id));
      if (nextToChosen && !free(left) && !free(right)) found.push(s.label);
    }
  }
  return found;
}
