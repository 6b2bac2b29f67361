// How many live seat-map sockets one account and one client address may hold open on this instance.
// A socket costs a file descriptor, memory for its buffers and a share of every delta fanned out: without
// a cap one script could open thousands and starve the viewers of a sold-out premiere. Counted per
// instance (a balancer spreads one client's sockets, so the cluster-wide cap is this times N); an
// address's cap is larger than an account's because a cinema's wifi or a carrier's NAT shares one.

export interface SocketQuota {
  /** Takes a place for this key; undefined when it is full, else the function that gives it back (once). */
  enter(key: string): (() => void) | undefined;
  /** open sockets counted for this key */
  count(key: string): number;
}

export function socketQuota(limit: number): SocketQuota {
  const open = new Map<string, number>();
  return {
    enter(key) {
      const n = open.get(key) ?? 0;
      if (n >= limit) return undefined;
      open.set(key, n + 1);
      let given = false;
      return () => {
        if (given) return;
        given = true;
        const left = (open.get(key) ?? 1) - 1;
        if (left <= 0) open.delete(key);
        else open.set(key, left);
      };
    },
    count: (key) => open.get(key) ?? 0,
  };
}
