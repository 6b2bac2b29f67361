// The app's own routes over the History API: links are plain <a href>, a click on one inside the
// app is handled here (no reload), back and forward work, and every route is a real URL the server
// answers with index.html.
import { createStore } from './lib/store.ts';

const here = () => location.pathname + location.search;
export const route = createStore(here());

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  if (to === here()) return;
  history[opts.replace ? 'replaceState' : 'pushState'](null, '', to);
  route.set(here());
  window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => route.set(here()));

document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest('a');
  if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
  if (/^\/(api|swagger|_gateway|dev)\//.test(a.pathname)) return;
  // a link to a place on this page (#main, a section): the browser scrolls to it
  if (a.hash && a.pathname === location.pathname && a.search === location.search) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
});

/** `/movies/:id` against `/movies/3` -> { id: '3' }; null when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('?')[0].split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

export function query(name: string): string | null {
  return new URLSearchParams(route.get().split('?')[1] ?? '').get(name);
}
