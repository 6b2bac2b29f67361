// Focus after a navigation: a screen reader user hears the new page's name, a keyboard user goes on
// from its top. The heading is focused once the page has loaded (its <h1> is there and nothing in it
// says "Loading…"): a page whose title comes with its data (a movie, a ticket) has no heading before.
// Never while the person is typing or has moved the focus themselves since the navigation (a field,
// a seat, a button): only when the focus is still where the navigation left it (the link they
// followed, or nowhere because that link went away with the old page).
const EDITABLE = 'input, textarea, select, [contenteditable=""], [contenteditable="true"]';
const GIVE_UP_MS = 15_000;

export function focusHeadingWhenLoaded(main: HTMLElement | null): () => void {
  if (!main) return () => undefined;
  const left = document.activeElement;
  const untouched = () => {
    const now = document.activeElement;
    if (now instanceof HTMLElement && now.matches(EDITABLE)) return false;
    return !now || now === document.body || now === left || !now.isConnected;
  };
  const tryFocus = (): boolean => {
    const h1 = main.querySelector<HTMLElement>('h1');
    if (!h1 || main.querySelector('.loading')) return false;
    if (untouched()) {
      h1.setAttribute('tabindex', '-1');
      h1.focus({ preventScroll: true });
    }
    return true;
  };
  if (tryFocus()) return () => undefined;
  const watch = new MutationObserver(() => {
    if (tryFocus()) stop();
  });
  const timer = setTimeout(() => stop(), GIVE_UP_MS);
  const stop = () => {
    watch.disconnect();
    clearTimeout(timer);
  };
  watch.observe(main, { childList: true, subtree: true });
  return stop;
}
