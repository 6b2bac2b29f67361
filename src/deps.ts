// What the app is built from. server.ts makes the real ones; tests make their own and pass them in.
import type { WaitingRoom } from './kv/waiting-room.ts';
import type { ReadCache } from './cache/read-cache.ts';
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import type { Reads } from './db/replica.ts';
import type { Kv } from './kv/kv.ts';
import type { Clock } from './lib/clock.ts';
import type { FastPath } from './kv/seat-fast-path.ts';
import type { SeatVersions } from './kv/seat-versions.ts';
import type { PaymentGateway } from './gateway/gateway.ts';
import type { Simulator } from './gateway-simulator/simulator.ts';
import type { SeatEvents } from './realtime/events.ts';
import type { Hub } from './realtime/hub.ts';
import type { TicketKeys } from './eticket/signing-key.ts';

export interface Deps {
  config: Config;
  db: Db;
  /** reads that tolerate lag: the replica when there is one within its bound, else db */
  reads: Reads;
  kv: Kv;
  clock: Clock;
  /** rendered JSON of hot reads; invalidate('catalog') after any catalog write commits */
  cache: ReadCache;
  /** seat events after commit (in process, or Redis pub/sub across instances) */
  events: SeatEvents;
  /** this instance's live viewers, batched deltas */
  hub: Hub;
  /** Redis seat marks in front of PostgreSQL (no-op without Redis) */
  fastPath: FastPath;
  /** the queue in front of a screening's hold routes on a rush (never engages unless configured) */
  waitingRoom: WaitingRoom;
  /** each screening's newest seat-map version, shared by the instances (Redis), advanced before a writer answers */
  seatVersions: SeatVersions;
  /** the payment gateway (the in-process simulator, or one over HTTP) */
  gateway: PaymentGateway;
  /** the in-process simulator when GATEWAY=simulator: its control routes are served beside the API */
  simulator?: Simulator;
  /** signs e-ticket QR payloads and checks them at the door */
  ticketKeys: TicketKeys;
  /** this instance's life: `draining` once SIGTERM asked it to stop (readiness says so) */
  lifecycle: { draining: boolean };
  /** told after a change of a screening's sold (or sellable) seats committed: sell-out alerts */
  sellout: SelloutWatch;
}

/** What inventory tells after a sale, a restock or a block (modules/alerts decides, through runtime.ts). */
export interface SelloutWatch {
  changed(screeningId: number): Promise<void>;
  /** decides again where a decision failed; resolves to how many still wait */
  retry(): Promise<number>;
}
