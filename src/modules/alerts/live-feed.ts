// The admins' live feed of sell-out alerts as server-sent events. Each connection looks for alerts
// after the last one it sent, every ALERT_FEED_POLL_MS, in the database: any instance serves any
// admin, whichever instance raised the alert, and a reconnect with Last-Event-ID misses nothing.
// Alert ids come from a sequence, so one that commits late can be smaller than one already sent:
// each look reaches BACKSCAN ids back and skips what it sent. A look that fails (database down)
// says so in a comment line and the next tick tries again; the stream stays open.
import type { FastifyReply } from 'fastify';
import type { Db } from '../../db/client.ts';
import { type Alert, alertsAfter } from './read-alerts.ts';

const BACKSCAN = 100;
const HEARTBEAT_MS = 15_000;

export interface FeedOptions {
  db: Db;
  pollMs: number;
  /** the first alert not yet seen is after this id */
  after: number;
  filter: { screeningId?: number; theaterId?: number };
}

/** Takes over the reply and streams until the client goes or stop() (the app closing). */
export function streamAlerts(reply: FastifyReply, opts: FeedOptions): { stop(): void } {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // nginx: do not buffer the stream
    'x-accel-buffering': 'no',
  });
  res.write(': sell-out alerts\n\n');
  const floor = opts.after;
  let last = opts.after;
  const sent = new Set<number>();
  let looking = false;
  let failing = false;
  let quietSince = Date.now();

  const send = (a: Alert) => {
    sent.add(a.id);
    if (a.id > last) last = a.id;
    res.write(`id: ${a.id}\nevent: sellout\ndata: ${JSON.stringify(a)}\n\n`);
    quietSince = Date.now();
  };

  const look = async () => {
    if (looking) return;
    looking = true;
    try {
      const from = Math.max(floor, last - BACKSCAN);
      for (const a of await alertsAfter(opts.db, from, opts.filter)) if (!sent.has(a.id)) send(a);
      for (const id of sent) if (id <= from) sent.delete(id);
      if (failing) res.write(': database back\n\n');
      failing = false;
      if (Date.now() - quietSince >= HEARTBEAT_MS) {
        res.write(': ping\n\n');
        quietSince = Date.now();
      }
    } catch {
      if (!failing) res.write(': database unavailable, still trying\n\n');
      failing = true;
    } finally {
      looking = false;
    }
  };

  const timer = setInterval(look, opts.pollMs);
  void look();
  const stop = () => {
    clearInterval(timer);
    if (!res.writableEnded) res.end();
  };
  res.on('close', () => clearInterval(timer));
  return { stop };
}
