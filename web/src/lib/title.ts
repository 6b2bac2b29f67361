// The browser tab's title: what the page shows ("Dune: Part Two · Cinema", "My tickets · Cinema"), in
// the page's language. A page names itself with useTitle(); a gate in front of it (AdminOnly) names
// it only as a fallback, so the page's own, more precise title wins whichever effect runs last. Until
// a page knows what it shows (its data loading), the tab says the app's name, never the last page's.
import { useEffect, useRef } from 'preact/hooks';
import { locale, t } from '../i18n/index.ts';
import { useStore } from './store.ts';

const named = new Map<symbol, { text: string; fallback: boolean; order: number }>();
let order = 0;

function apply() {
  let best: { text: string; fallback: boolean; order: number } | undefined;
  for (const n of named.values()) {
    if (!best || (best.fallback && !n.fallback) || (best.fallback === n.fallback && n.order > best.order)) best = n;
  }
  document.title = best ? `${best.text} · ${t('app.name')}` : t('app.name');
}

/** Names the page in the tab while the component is shown; `undefined` while it does not know yet. */
export function useTitle(text: string | undefined, opts: { fallback?: boolean } = {}): void {
  const lang = useStore(locale);
  const id = useRef(Symbol('title'));
  const fallback = opts.fallback === true;
  useEffect(() => {
    const key = id.current;
    if (text) named.set(key, { text, fallback, order: named.get(key)?.order ?? ++order });
    else named.delete(key);
    apply();
    return () => {
      named.delete(key);
      apply();
    };
  }, [text, fallback, lang]);
}
