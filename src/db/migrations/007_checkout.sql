-- 007: checkout and payment. Payment methods become data (fees per method); a ticket has at most
-- one payment in flight; the reconciler leases the rows it is asking the gateway about; tickets are
-- listed per customer newest first.

-- Fee = fee_fixed + round-half-up(amount * fee_rate_bp / 10000), in minor units (payments/fees.ts).
-- Which methods customers may choose is configuration (PAYMENT_METHODS); the rules live here.
CREATE TABLE payment_methods (
  code        text PRIMARY KEY CHECK (code IN ('card', 'ewallet', 'bank_transfer', 'qris')),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  fee_fixed   numeric(12, 2) NOT NULL DEFAULT 0 CHECK (fee_fixed >= 0),
  fee_rate_bp integer NOT NULL DEFAULT 0 CHECK (fee_rate_bp BETWEEN 0 AND 10000),
  sort        integer NOT NULL DEFAULT 0
);

-- Typical Indonesian gateway pricing, charged to the customer on top of the tickets.
INSERT INTO payment_methods (code, name, fee_fixed, fee_rate_bp, sort) VALUES
  ('card', 'Credit / debit card', 2000.00, 290, 1),
  ('ewallet', 'E-wallet (GoPay, OVO, DANA, ShopeePay)', 0.00, 150, 2),
  ('bank_transfer', 'Bank transfer (virtual account)', 4000.00, 0, 3),
  ('qris', 'QRIS', 0.00, 70, 4);

ALTER TABLE payments ADD CONSTRAINT payments_method_fk FOREIGN KEY (method) REFERENCES payment_methods (code);

-- At most one payment of a ticket is pending at a time: a second checkout while one is in flight is
-- refused (payment_in_progress), whatever the code above it does.
CREATE UNIQUE INDEX payments_one_pending ON payments (ticket_id) WHERE status = 'pending';

-- Leases of the reconciler (jobs/payment-reconciler.ts): a row is asked about again only after
-- reconcile_at, so several instances never ask about one row at the same moment, and a row the
-- gateway keeps answering "pending" backs off (reconcile_attempts).
ALTER TABLE payments ADD COLUMN reconcile_at timestamptz;
ALTER TABLE payments ADD COLUMN reconcile_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE refunds ADD COLUMN reconcile_at timestamptz;
ALTER TABLE refunds ADD COLUMN reconcile_attempts integer NOT NULL DEFAULT 0;
CREATE INDEX refunds_gateway_refund ON refunds (gateway_refund_id) WHERE gateway_refund_id IS NOT NULL;

-- GET /me/tickets pages by (created_at, id), newest first.
DROP INDEX tickets_user;
CREATE INDEX tickets_user_page ON tickets (user_id, created_at DESC, id DESC);
-- tickets still waiting for a payment (the reconciler expires them after their hold)
CREATE INDEX tickets_pending ON tickets (created_at) WHERE status = 'pending_payment';
