// The seats themselves as plain DOM under the hall component: written once as one HTML string when a
// hall is first shown (a 500-seat hall in a few milliseconds, where 500 components took over 100 on a
// phone-class CPU), then patched seat by seat: a live delta or a click touches only the seats whose
// state changed. Each seat stays a real <button> with its accessible name, pressed state and focus.
import type { Seat } from './types.ts';

export interface SeatView {
  seat: Seat;
  chosen: boolean;
  tabbable: boolean;
  name: string;
  /** left/top on the hall's plane, as CSS */
  at: string;
  /** the layout editor: every seat can be chosen, whatever its state */
  editing?: boolean;
  /** the layout editor: the seat has a problem */
  flagged?: boolean;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (v: unknown) => String(v).replace(/[&<>"']/g, (c) => ENTITIES[c]);

const classOf = (v: SeatView) => `seat ${v.seat.type} ${v.seat.status}${v.chosen ? ' chosen' : ''}${v.flagged ? ' flagged' : ''}`;
const disabled = (v: SeatView) => !v.editing && v.seat.status !== 'available' && !v.chosen;

export function seatsHtml(views: SeatView[]): string {
  let html = '';
  for (const v of views) {
    html +=
      `<button type="button" data-seat="${v.seat.id}" class="${esc(classOf(v))}" style="${v.at}" aria-label="${esc(v.name)}"` +
      ` aria-pressed="${v.chosen}" aria-disabled="${disabled(v)}" tabindex="${v.tabbable ? 0 : -1}"><span aria-hidden="true">${esc(v.seat.number)}</span></button>`;
  }
  return html;
}

/** Brings one seat's element to its view; the caller knows that something in it changed. */
export function patchSeat(el: HTMLElement, v: SeatView) {
  el.className = classOf(v);
  el.setAttribute('aria-label', v.name);
  el.setAttribute('aria-pressed', String(v.chosen));
  el.setAttribute('aria-disabled', String(disabled(v)));
  el.tabIndex = v.tabbable ? 0 : -1;
  // only the layout editor moves or renumbers a seat
  if (el.getAttribute('style') !== v.at) el.setAttribute('style', v.at);
  const shown = el.firstElementChild;
  if (shown && shown.textContent !== String(v.seat.number)) shown.textContent = String(v.seat.number);
}

export const sameView = (a: SeatView | undefined, b: SeatView) =>
  a !== undefined &&
  a.seat === b.seat &&
  a.chosen === b.chosen &&
  a.tabbable === b.tabbable &&
  a.name === b.name &&
  a.at === b.at &&
  a.flagged === b.flagged;
