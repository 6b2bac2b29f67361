// Refunds and cancellations (admins): the refunds waiting for review, approved or rejected with a
// reason; and cancelling a show, its progress followed to the end (every ticket refunded in full by
// the server, resumable; this page only asks and watches).
import { useEffect, useState } from 'preact/hooks';
import { api, problemText } from '../api/client.ts';
import { localTime, money, t, tn } from '../i18n/index.ts';
import { refundReasonText } from '../i18n/reasons.ts';
import { useApi } from '../lib/use-api.ts';
import { ErrorBox, Loading, Notice } from '../ui.tsx';
import { AdminOnly } from './admin-only.tsx';

const FOLLOW_MS = 1000;
const deviceZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function RefundsAdminPage() {
  return (
    <AdminOnly title={t('admin_refunds.title')}>
      <section class="admin-refunds">
        <h1>{t('admin_refunds.title')}</h1>
        <ReviewQueue />
        <CancelShow />
      </section>
    </AdminOnly>
  );
}

function ReviewQueue() {
  const queue = useApi(() => api.GET('/api/v1/refunds', { params: { query: { status: 'pending_review', limit: 50 } } }), []);
  const [said, setSaid] = useState<{ kind: 'ok' | 'warn'; text: string }>();
  if (queue.error) return <ErrorBox message={queue.error} retry={queue.reload} />;
  if (!queue.data) return <Loading />;
  const decided = (kind: 'ok' | 'warn', text: string) => {
    setSaid({ kind, text });
    queue.reload();
  };
  return (
    <section aria-labelledby="review-h">
      <h2 id="review-h">{t('admin_refunds.queue')}</h2>
      {said && <Notice kind={said.kind}>{said.text}</Notice>}
      {queue.data.length === 0 ? (
        <p>{t('admin_refunds.queue_empty')}</p>
      ) : (
        <ul class="review-list">
          {queue.data.map((r) => (
            <ReviewItem key={r.id} refund={r} onDone={decided} />
          ))}
        </ul>
      )}
    </section>
  );
}

type Refund = NonNullable<Awaited<ReturnType<typeof listRefunds>>['data']>['data'][number];
const listRefunds = () => api.GET('/api/v1/refunds', { params: { query: {} } });

function ReviewItem({ refund: r, onDone }: { refund: Refund; onDone: (kind: 'ok' | 'warn', text: string) => void }) {
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const seats = r.seats.map((s) => s.label).join(', ');
  async function decide(what: 'approve' | 'reject') {
    setBusy(true);
    try {
      const params = { path: { id: r.id } };
      const res =
        what === 'approve'
          ? await api.POST('/api/v1/refunds/{id}/approve', { params, body: {} })
          : await api.POST('/api/v1/refunds/{id}/reject', { params, body: { reason } });
      if (res.error) onDone('warn', problemText(res.error, res.response));
      else onDone('ok', t(what === 'approve' ? 'admin_refunds.approved' : 'admin_refunds.rejected', { seats, amount: money(r.amount, r.currency) }));
    } catch {
      onDone('warn', t('common.offline'));
    } finally {
      setBusy(false);
    }
  }
  return (
    <li class="review-item" data-testid="review-item">
      <p>
        <strong>{money(r.amount, r.currency)}</strong> · {t('admin_refunds.seats', { seats })} ·{' '}
        {t('admin_refunds.asked', { time: localTime(r.requested_at, deviceZone, true) })}
      </p>
      <p>{t('admin_refunds.reason', { reason: refundReasonText(r.reason) ?? '-' })}</p>
      {rejecting ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim()) void decide('reject');
          }}
        >
          <label>
            {t('admin_refunds.reject_reason')}
            <input value={reason} required maxLength={500} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          </label>
          <div class="actions">
            <button type="submit" disabled={busy}>
              {t('admin_refunds.reject_confirm')}
            </button>
            <button type="button" onClick={() => setRejecting(false)}>
              {t('common.back')}
            </button>
          </div>
        </form>
      ) : (
        <div class="actions">
          <button type="button" class="primary" disabled={busy} onClick={() => void decide('approve')}>
            {t('admin_refunds.approve')}
          </button>
          <button type="button" disabled={busy} onClick={() => setRejecting(true)}>
            {t('admin_refunds.reject')}
          </button>
        </div>
      )}
    </li>
  );
}

interface Progress {
  status: 'in_progress' | 'completed' | 'needs_attention';
  tickets_total: number;
  refunded: number;
  pending: number;
  failed: number;
  amount_refunded: number;
}

function CancelShow() {
  const [id, setId] = useState('');
  const [reason, setReason] = useState('');
  const [show, setShow] = useState<{ id: number; title: string; when: string; hall: string } | null>(null);
  const [error, setError] = useState<string>();
  const [progress, setProgress] = useState<Progress | null>(null);
  // which show to follow, and a new turn for every cancel (cancelling again follows again)
  const [following, setFollowing] = useState<{ id: number; turn: number } | null>(null);

  // follow the cancellation until no refund of it is in flight
  useEffect(() => {
    if (following === null) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const r = await api.GET('/api/v1/screenings/{id}/cancellation', { params: { path: { id: following.id } } });
        if (stop) return;
        if (r.data) setProgress(r.data.data as Progress);
        if (r.data && r.data.data.status !== 'in_progress') return;
      } catch {
        if (!stop) setError(t('common.offline'));
      }
      if (!stop) timer = setTimeout(tick, FOLLOW_MS);
    };
    void tick();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [following]);

  async function find(e: Event) {
    e.preventDefault();
    setError(undefined);
    setShow(null);
    setProgress(null);
    setFollowing(null);
    const r = await api.GET('/api/v1/showtimes/{id}', { params: { path: { id: Number(id) } } }).catch(() => null);
    if (!r) return setError(t('common.offline'));
    if (!r.data) return setError(problemText(r.error, r.response));
    const s = r.data.data;
    setShow({ id: s.id, title: s.movie.title, when: localTime(s.show_time, s.theater.time_zone, true), hall: `${s.theater.name} / ${s.hall.name}` });
  }

  async function cancel(e: Event) {
    e.preventDefault();
    if (!show) return;
    setError(undefined);
    const r = await api
      .POST('/api/v1/screenings/{id}/cancel', {
        params: { path: { id: show.id }, header: { 'idempotency-key': crypto.randomUUID() } },
        body: { reason },
      })
      .catch(() => null);
    if (!r) return setError(t('common.offline'));
    if (!r.data) return setError(problemText(r.error, r.response));
    setProgress(r.data.data as Progress);
    setFollowing((f) => ({ id: show.id, turn: (f?.turn ?? 0) + 1 }));
  }

  const done = progress ? progress.refunded + progress.failed : 0;
  return (
    <section aria-labelledby="cancel-h">
      <h2 id="cancel-h">{t('admin_refunds.cancel')}</h2>
      <form class="inline-form" onSubmit={find}>
        <label>
          {t('admin_refunds.show_id')}
          <input inputMode="numeric" pattern="[0-9]+" required value={id} onInput={(e) => setId((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit">{t('admin_refunds.find')}</button>
      </form>
      {show && !progress && (
        <form onSubmit={cancel}>
          <p data-testid="cancel-show">
            {show.title} · {show.hall} · {show.when}
          </p>
          <label>
            {t('admin_refunds.cancel_reason')}
            <input required maxLength={500} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          </label>
          <p>{t('admin_refunds.cancel_warning')}</p>
          <button type="submit" class="danger">
            {t('admin_refunds.cancel_confirm')}
          </button>
        </form>
      )}
      {error && <ErrorBox message={error} />}
      {progress && (
        <div class="cancel-progress" data-testid="cancel-progress">
          <label for="cancel-bar">{t('admin_refunds.progress', { done, tickets: tn('count.tickets', progress.tickets_total) })}</label>
          <progress id="cancel-bar" max={Math.max(1, progress.tickets_total)} value={progress.tickets_total === 0 ? 1 : done} />
          <p role="status">
            {progress.status === 'in_progress'
              ? t('admin_refunds.in_progress', { pending: progress.pending })
              : progress.status === 'completed'
                ? t('admin_refunds.completed', { tickets: tn('count.tickets', progress.refunded), amount: money(progress.amount_refunded) })
                : tn('admin_refunds.needs_attention', progress.failed)}
          </p>
        </div>
      )}
    </section>
  );
}
