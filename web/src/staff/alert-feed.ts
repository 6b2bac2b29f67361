// Follows the live sell-out feed (GET /alerts/live, server-sent events). EventSource cannot send the
// bearer token, so the stream is read with fetch and parsed here: events are blank-line separated,
// with `id:`, `event:` and `data:` lines. On a drop it says so and resumes after the last id it saw
// (the server sends what was raised meanwhile); a 401 renews the session first.
import { renew, session } from '../session.ts';

export type FeedState = 'connecting' | 'live' | 'reconnecting' | 'signed_out';

const RETRY_MS = 2000;

export function followAlerts<A extends { id: number }>(after: number, onAlert: (a: A) => void, onState: (s: FeedState) => void): () => void {
  let stopped = false;
  let abort: AbortController | undefined;
  let last = after;
  void (async () => {
    while (!stopped) {
      abort = new AbortController();
      try {
        const res = await fetch(`/api/v1/alerts/live?after=${last}`, {
          headers: { authorization: `Bearer ${session.get().token ?? ''}`, accept: 'text/event-stream' },
          signal: abort.signal,
        });
        if (res.status === 401) {
          if (await renew()) continue;
          onState('signed_out');
          return;
        }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        onState('live');
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const event = parse(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (event.event === 'sellout' && event.data) {
              const alert = JSON.parse(event.data) as A;
              last = Math.max(last, alert.id);
              onAlert(alert);
            }
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // dropped, refused or aborted: said below, then tried again
      }
      if (stopped) return;
      onState('reconnecting');
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  })();
  return () => {
    stopped = true;
    abort?.abort();
  };
}

function parse(block: string): { event?: string; data?: string; id?: string } {
  const out: { event?: string; data?: string; id?: string } = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') out.data = out.data === undefined ? value : `${out.data}\n${value}`;
    else if (field === 'event' || field === 'id') out[field] = value;
  }
  return out;
}
