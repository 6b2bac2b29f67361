// Timing marks for bench/web-app.ts: from a seat map (or a delta) arriving to the hall laid out
// with it. performance.measure entries "seatmap:data-render" and "seatmap:delta-render".
let pending: 'data' | 'delta' | undefined;

export function mapArrived(kind: 'data' | 'delta') {
  pending = kind;
  performance.mark(`seatmap:${kind}`);
}

/** After the hall's DOM is committed: forces layout, so the measure covers style and layout too. */
export function hallRendered(el: HTMLElement | null) {
  if (!pending || !el) return;
  void el.offsetHeight;
  performance.measure(`seatmap:${pending}-render`, `seatmap:${pending}`);
  pending = undefined;
}
