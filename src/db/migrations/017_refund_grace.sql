-- 017: a purchase grace period in the refund policy. A customer who asks for a refund within
-- grace_minutes of buying (tickets.purchase_time), while the show is still at least
-- grace_min_hours_before away, gets back everything the purchase cost: the seats and the fee. It
-- undoes a mistaken purchase (wrong show, wrong day) that the tiers, measured from the show alone,
-- would refund at 50 % a minute after buying. grace_minutes = 0 turns it off: the default, so that
-- what a policy returns does not change on upgrade; admins turn it on per policy (refunds/policy.ts).
-- The 2 h default matches the default policy's last tier: no grace where nothing is refunded anyway.
ALTER TABLE refund_policies
  ADD COLUMN grace_minutes integer NOT NULL DEFAULT 0 CHECK (grace_minutes BETWEEN 0 AND 1440),
  ADD COLUMN grace_min_hours_before integer NOT NULL DEFAULT 2 CHECK (grace_min_hours_before BETWEEN 0 AND 8760);
