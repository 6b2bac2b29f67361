// Seconds left until a time the server set, on the server's clock (lib/server-clock.ts), ticking
// each second; `ended` once it has passed.
import { useEffect, useState } from 'preact/hooks';
import { serverNow } from './server-clock.ts';

export function useCountdown(until: string | undefined): { seconds: number; ended: boolean } {
  const left = () => (until ? Math.max(0, Math.ceil((Date.parse(until) - serverNow()) / 1000)) : 0);
  const [seconds, setSeconds] = useState(left);
  useEffect(() => {
    setSeconds(left());
    if (!until) return;
    const timer = setInterval(() => setSeconds(left()), 1000);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [until]);
  // from `until` itself, not the last tick: a new deadline is not taken for ended until the next tick
  return { seconds, ended: until !== undefined && left() === 0 };
}

export const mmss = (s: number) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
