// Net sales per day as bars (uPlot, loaded with the first chart). The table beside it carries the
// same numbers for screen readers and keyboards; the picture is described by its label.
import { useEffect, useRef } from 'preact/hooks';

export function SalesChart({ days, label }: { days: { day: string; net: number }[]; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let chart: { destroy(): void } | undefined;
    let gone = false;
    void (async () => {
      const [{ default: uPlot }] = await Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]);
      if (gone || !box.current) return;
      const xs = days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
      const ys = days.map((d) => d.net);
      const axis = { stroke: '#b9b0c7', grid: { stroke: '#3a3346' }, ticks: { stroke: '#3a3346' } };
      chart = new uPlot(
        {
          width: Math.max(280, box.current.clientWidth),
          height: 220,
          legend: { show: false },
          cursor: { show: false },
          // whole days, in UTC (the keys are local dates already), half a day of room at each end
          tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'UTC'),
          scales: {
            x: { time: true, range: (_u: unknown, lo: number, hi: number) => [lo - 43_200, hi + 43_200] },
            y: { range: (_u: unknown, _lo: number, hi: number) => [0, hi > 0 ? hi * 1.1 : 1] },
          },
          axes: [
            { ...axis, incrs: [86_400, 7 * 86_400, 30 * 86_400], values: '{D} {MMM}' },
            { ...axis, size: 80 },
          ],
          series: [{}, { label, stroke: '#ffb02e', fill: 'rgba(255,176,46,0.35)', paths: uPlot.paths.bars?.({ size: [0.7, 40] }) }],
        },
        [xs, ys],
        box.current,
      );
    })();
    return () => {
      gone = true;
      chart?.destroy();
    };
    // the numbers, not the array (a new one every render): redrawn only when they change
  }, [JSON.stringify(days), label]);
  return <div ref={box} class="chart" role="img" aria-label={label} />;
}
