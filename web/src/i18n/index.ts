// The locale (English or Bahasa Indonesia), its messages, and Intl formatting of money and times.
// Chosen by the switcher, remembered in localStorage, first guessed from the browser's language.
import { en, type MessageKey } from './en.ts';
import { id } from './id.ts';
import { createStore } from '../lib/store.ts';

export type Locale = 'en' | 'id';
const CATALOGUES: Record<Locale, Partial<Record<MessageKey, string>>> = { en, id };

/** A message with plural forms: `<base>.one`, `<base>.other` (CLDR categories; English has both,
 * Bahasa Indonesia only `other`: "1 kursi", "3 kursi"). */
export type PluralKey = Extract<MessageKey, `${string}.other`> extends `${infer B}.other` ? B : never;

const KEY = 'cinema.locale';

/** What the browser's language suggests, when nobody picked one here. */
export const browserLocale = (): Locale => (navigator.language.toLowerCase().startsWith('id') ? 'id' : 'en');

function initial(): Locale {
  const saved = localStorage.getItem(KEY);
  if (saved === 'en' || saved === 'id') return saved;
  return browserLocale();
}

export const locale = createStore<Locale>(initial());
/** Whether someone picked the language on this device (the switcher), rather than it being guessed. */
export const localeChosen = () => localStorage.getItem(KEY) !== null;
let adopting = false;
/** The signed-in account's language, shown on a device where nobody picked one; not remembered as a pick. */
export function adoptLocale(l: Locale): void {
  if (localeChosen()) return;
  adopting = true;
  try {
    locale.set(l);
  } finally {
    adopting = false;
  }
}
locale.subscribe((l) => {
  if (!adopting) localStorage.setItem(KEY, l);
  document.documentElement.lang = l;
});
document.documentElement.lang = locale.get();

const tag = () => (locale.get() === 'id' ? 'id-ID' : 'en-GB');

// Each message split once into text and placeholder names (a seat map names hundreds of seats).
const compiled = new Map<string, (string | { v: string })[]>();
function parts(text: string) {
  let p = compiled.get(text);
  if (!p) {
    p = text.split(/(\{\w+\})/).map((s) => (/^\{\w+\}$/.test(s) ? { v: s.slice(1, -1) } : s));
    compiled.set(text, p);
  }
  return p;
}

export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = CATALOGUES[locale.get()][key] ?? en[key];
  let out = '';
  for (const p of parts(text)) out += typeof p === 'string' ? p : String(vars[p.v] ?? `{${p.v}}`);
  return out;
}

const pluralRules = new Map<Locale, Intl.PluralRules>();

/** The form of `base` for the count `n` in the page's language, with `{n}` (and `vars`) filled in. */
export function tn(base: PluralKey, n: number, vars: Record<string, string | number> = {}): string {
  const l = locale.get();
  let rules = pluralRules.get(l);
  if (!rules) {
    rules = new Intl.PluralRules(l === 'id' ? 'id-ID' : 'en-GB');
    pluralRules.set(l, rules);
  }
  const form = `${base}.${rules.select(n)}`;
  const key = (form in CATALOGUES[l] ? form : `${base}.other`) as MessageKey;
  return t(key, { n, ...vars });
}

const moneyFormats = new Map<string, { format: Intl.NumberFormat; said: Map<number, string> }>();
export function money(amount: number | string, currency = 'IDR'): string {
  const k = `${tag()}|${currency}`;
  let f = moneyFormats.get(k);
  if (!f) {
    f = {
      format: new Intl.NumberFormat(tag(), { style: 'currency', currency, minimumFractionDigits: 0, maximumFractionDigits: 2 }),
      said: new Map(),
    };
    moneyFormats.set(k, f);
  }
  // a hall has a handful of prices: each is formatted once
  const n = Number(amount);
  let text = f.said.get(n);
  if (text === undefined) {
    text = f.format.format(n);
    if (f.said.size < 1000) f.said.set(n, text);
  }
  return text;
}

// Making an Intl formatter costs milliseconds (tens for the first of a page): each is made once.
const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** A time in the theater's zone, e.g. "19:30" or "Fri 5 Dec, 19:30". */
export function localTime(iso: string, timeZone: string, withDate = false): string {
  const k = `${tag()}|${timeZone}|${withDate}`;
  let f = timeFormats.get(k);
  if (!f) {
    f = new Intl.DateTimeFormat(tag(), {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      ...(withDate ? { weekday: 'short', day: 'numeric', month: 'short' } : {}),
    });
    timeFormats.set(k, f);
  }
  return f.format(new Date(iso));
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

/** Whether a key built at run time (e.g. from an API's rule code) has a message. */
export const hasMessage = (key: string): key is MessageKey => key in en;
