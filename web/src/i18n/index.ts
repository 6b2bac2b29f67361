// The locale (English or Bahasa Indonesia), its messages, and Intl formatting of money and times.
// Chosen by the switcher, remembered in localStorage, first guessed from the browser's language.
import { en, type MessageKey } from './en.ts';
import { id } from './id.ts';
import { createStore } from '../lib/store.ts';

export type Locale = 'en' | 'id';
const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { en, id };
const KEY = 'cinema.locale';

function initial(): Locale {
  const saved = localStorage.getItem(KEY);
  if (saved === 'en' || saved === 'id') return saved;
  return navigator.language.toLowerCase().startsWith('id') ? 'id' : 'en';
}

export const locale = createStore<Locale>(initial());
locale.subscribe((l) => {
  localStorage.setItem(KEY, l);
  document.documentElement.lang = l;
});
document.documentElement.lang = locale.get();

const tag = () => (locale.get() === 'id' ? 'id-ID' : 'en-GB');

export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = CATALOGUES[locale.get()][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

const moneyFormats = new Map<string, Intl.NumberFormat>();
export function money(amount: number | string, currency = 'IDR'): string {
  const k = `${tag()}|${currency}`;
  let f = moneyFormats.get(k);
  if (!f) {
    f = new Intl.NumberFormat(tag(), { style: 'currency', currency, minimumFractionDigits: 0, maximumFractionDigits: 2 });
    moneyFormats.set(k, f);
  }
  return f.format(Number(amount));
}

/** A time in the theater's zone, e.g. "19:30" or "Fri 5 Dec, 19:30". */
export function localTime(iso: string, timeZone: string, withDate = false): string {
  return new Intl.DateTimeFormat(tag(), {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    ...(withDate ? { weekday: 'short', day: 'numeric', month: 'short' } : {}),
  }).format(new Date(iso));
}

export function dayLabel(date: string): { weekday: string; day: string } {
  const d = new Date(`${date}T12:00:00Z`);
  return {
    weekday: new Intl.DateTimeFormat(tag(), { weekday: 'short', timeZone: 'UTC' }).format(d),
    day: new Intl.DateTimeFormat(tag(), { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(d),
  };
}

export function longDate(date: string): string {
  return new Intl.DateTimeFormat(tag(), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${date.slice(0, 10)}T12:00:00Z`));
}
