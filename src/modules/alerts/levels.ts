// The arithmetic of sell-out levels, kept apart from the SQL so it can be read (and tested) alone.

/** The highest threshold the sold share is at or above (0: none, or nothing sellable). */
export function levelOf(thresholds: readonly number[], sold: number, sellable: number): number {
  if (sellable <= 0) return 0;
  let level = 0;
  for (const t of thresholds) if (sold * 100 >= t * sellable && t > level) level = t;
  return level;
}

/** The thresholds crossed going from one level to another: up through (from, to], or down through (to, from]. */
export function crossings(thresholds: readonly number[], from: number, to: number): { threshold: number; direction: 'up' | 'down' }[] {
  const sorted = [...thresholds].sort((a, b) => a - b);
  if (to > from) return sorted.filter((t) => t > from && t <= to).map((threshold) => ({ threshold, direction: 'up' }));
  return sorted
    .filter((t) => t > to && t <= from)
    .reverse()
    .map((threshold) => ({ threshold, direction: 'down' }));
}
