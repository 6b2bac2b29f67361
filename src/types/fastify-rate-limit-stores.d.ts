// The stores @fastify/rate-limit ships (CommonJS files without declarations), as http/request-limit.ts uses them.
declare module '@fastify/rate-limit/store/*.js' {
  import type { Redis } from 'ioredis';
  type Callback = (err: Error | null, res?: { current: number; ttl: number }) => void;
  class Store {
    constructor(continueExceeding: boolean, exponentialBackoff: boolean, redis?: Redis | number, key?: string);
    incr(key: string, cb: Callback, timeWindow: number, max: number): void;
  }
  export default Store;
}
