// How long a row asked about by the reconciler stays leased (reconcile_at), as SQL over the row's
// reconcile_attempts and a floor in seconds (parameter $3): it outlives a slow gateway call and
// doubles with every answer that settled nothing, up to ten minutes. Payments and refunds share it.
export const RECONCILE_LEASE = 'least(600, greatest($3::int, 5 * power(2, least(reconcile_attempts, 7))))';
