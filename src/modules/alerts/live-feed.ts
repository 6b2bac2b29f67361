// The admins' live feed of sell-out alerts as server-sent events. Each connection looks for alerts
// after the last one it sent, every ALERT_FEED_POLL_MS, in the database: any instance serves any
// admin, whichever instance raised the alert, and a reconnect with Last-Event-ID misses nothing.
// Alert ids come from a sequence, so one that commits late can be smaller than one already sent:
// each look reaches BACKSCAN ids back and skips what it sent, then reads forward a page at a time
// until it is level. A look that fails (database down)
// says so in a comment line and the next tick tries again; the stream stays open.
import type { FastifyReply } from 'fastify';
import type { Db } from '../../db/client.ts';
import { type Alert, alertsAfter } from './read-alerts.ts';

const BACKSCAN = 100;
const PAGE = 100;
const HEARTBEAT_MS = 15_000;

export interface FeedOptions {
  db: Db;
  pollMs: number;
  /** the first alert not yet seen is after this id */
  after: number;
  filter: { screeningId?: number; theaterId?: number };
  /** whether the caller's session still stands (asked at each heartbeat) */
  stillAllowed: () => Promise<boolean>;
}

/** Takes over the reply and streams until the client goes, its session ends, or stop() (the app closing). */
export function streamAlerts(reply: FastifyReply, opts: FeedOptions): { stop(): void } {
  reply.hijack();
  const res = reply.raw;
  let closed = res.destroyed;
  // a write racing the end of the stream must not become an uncaught 'error'
  res.on('error', () => {});
  const write = (text: string) => {
    if (!closed && !res.writableEnded) res.write(text);
  };
  if (!closed) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // nginx: do not buffer the stream
      'x-accel-buffering': 'no',
    });
  }
  write(': sell-out alerts\n\n');
  const floor = opts.after;
  let last = opts.after;
  const sent = new Set<number>();
  let looking = false;
  let failing = false;
  let quietSince = Date.now();

  const send = (a: Alert) => {
    sent.add(a.id);
    if (a.id > last) last = a.id;
    write(`id: ${a.id}\nevent: sellout\ndata: ${JSON.stringify(a)}\n\n`);
    quietSince = Date.now();
  };

  const look = async () => {
    if (looking || closed) return;
    looking = true;
    try {
      // back over the last BACKSCAN ids for alerts that committed late, then forward page by page
      const back = Math.max(floor, last - BACKSCAN);
      for (const a of await alertsAfter(opts.db, back, opts.filter, BACKSCAN)) if (a.id <= last && !sent.has(a.id)) send(a);
      for (let page = PAGE; page === PAGE && !closed; ) {
        const rows = await alertsAfter(opts.db, last, opts.filter, PAGE);
        for (const a of rows) if (!sent.has(a.id)) send(a);
        page = rows.length;
      }
      for (const id of sent) if (id <= last - BACKSCAN) sent.delete(id);
      if (failing) write(': database back\n\n');
      failing = false;
      if (Date.now() - quietSince >= HEARTBEAT_MS) {
        // the session is checked again at each heartbeat: logged out or demoted, the stream ends
        if (!(await opts.stillAllowed())) return stop();
        write(': ping\n\n');
        quietSince = Date.now();
      }
    } catch {
      if (!failing) write(': database unavailable, still trying\n\n');
      failing = true;
    } finally {
      looking = false;
    }
  };

  const timer = setInterval(look, opts.pollMs);
  const stop = () => {
    closed = true;
    clearInterval(timer);
    if (!res.writableEnded) res.end();
  };
  res.on('close', () => {
    closed = true;
    clearInterval(timer);
  });
  if (closed) stop();
  else void look();
  return { stop };
}
