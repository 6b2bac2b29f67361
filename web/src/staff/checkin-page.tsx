// The door (staff and admins, phone first): scan the e-ticket's QR with the camera or type its
// booking code; a large, unmistakable answer (admitted with the seats, or refused with the reason);
// a look-up that admits nothing; the count admitted for the show. Each answer replaces the last at
// once with "Checking…", so a dropped network shows as "not checked", never as a stale answer.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, problemCode } from '../api/client.ts';
import { localTime, t, tn } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/en.ts';
import { useStore } from '../lib/store.ts';
import { useTitle } from '../lib/title.ts';
import { RequireLogin } from '../pages/login.tsx';
import { session } from '../session.ts';
import { Loading, Notice } from '../ui.tsx';
import { type Scanner, startScanner } from './qr-scanner.ts';

interface TicketFacts {
  screening_id: number;
  booking_code: string;
  theater: { time_zone: string };
  movie: { title: string };
  hall: { name: string };
  local_show_time: string;
  seats: { label: string }[];
}
type Admission = TicketFacts & { checked_in_at: string };
interface Refusal {
  code: string;
  message: string;
  details: Record<string, unknown>;
}
type Lookup = TicketFacts & { checked_in_at: string | null; refusal: Refusal | null };
interface Count {
  screening_id: number;
  tickets: number;
  admitted: number;
  seats: number;
  admitted_seats: number;
}

type Answer =
  | { kind: 'checking' }
  | { kind: 'admitted'; ticket: Admission }
  | { kind: 'refused'; refusal: Refusal }
  | { kind: 'found'; ticket: Lookup }
  | { kind: 'offline'; mode: 'admit' | 'lookup'; code: string };

const TIMEOUT_MS = 8000;
const deviceZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function CheckinPage() {
  const { user, ready } = useStore(session);
  useTitle(t('checkin.title'));
  if (!ready) return <Loading />;
  if (!user) return <RequireLogin />;
  if (user.role === 'customer') {
    return (
      <section>
        <h1>{t('checkin.title')}</h1>
        <Notice kind="warn">{t('checkin.staff_only')}</Notice>
      </section>
    );
  }
  return <Door />;
}

/** The refusal in words, with its time on the theater's clock (the server says which). */
export function refusalText(r: Refusal): string {
  const zone = typeof r.details.time_zone === 'string' ? r.details.time_zone : deviceZone;
  const at = (k: string, withDate = false) => (typeof r.details[k] === 'string' ? localTime(r.details[k] as string, zone, withDate) : '');
  const key = `checkin.why.${r.code}` as MessageKey;
  switch (r.code) {
    case 'already_checked_in':
      return r.details.checked_in_at ? t(key, { time: at('checked_in_at') }) : r.message;
    case 'too_early':
      return t(key, { time: at('opens_at') });
    case 'wrong_day':
      return t(key, { time: at('show_time', true) });
    case 'ticket_refunded':
    case 'ticket_not_paid':
    case 'screening_cancelled':
    case 'screening_ended':
    case 'invalid_ticket_code':
    case 'ticket_not_found':
    case 'theater_not_allowed':
      return t(key);
    default:
      return r.message;
  }
}

function Door() {
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [count, setCount] = useState<Count | null>(null);
  const [online, setOnline] = useState(navigator.onLine);
  const [camera, setCamera] = useState<'off' | 'starting' | 'on' | 'paused'>('off');
  const [cameraError, setCameraError] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const video = useRef<HTMLVideoElement>(null);
  const scanner = useRef<Scanner | null>(null);
  const paused = useRef(false);
  // bumped by every start, stop and leaving the page: a camera that comes up after that is stopped
  const cameraTurn = useRef(0);
  const countSeq = useRef(0);
  const nextButton = useRef<HTMLButtonElement>(null);
  const seq = useRef(0);

  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    addEventListener('online', up);
    addEventListener('offline', down);
    return () => {
      removeEventListener('online', up);
      removeEventListener('offline', down);
      cameraTurn.current++;
      scanner.current?.stop();
    };
  }, []);

  async function refreshCount(screeningId: number) {
    const mine = ++countSeq.current;
    try {
      const r = await api.GET('/api/v1/checkin/screenings/{id}', {
        params: { path: { id: screeningId } },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (r.data && mine === countSeq.current) setCount(r.data.data);
    } catch {
      // the answer above already says whether the network is there
    }
  }

  /** Asks the server about `text` (admit or look up); the newest question's answer wins. */
  async function ask(text: string, mode: 'admit' | 'lookup') {
    const mine = ++seq.current;
    setAnswer({ kind: 'checking' });
    try {
      const init = { body: { code: text }, signal: AbortSignal.timeout(TIMEOUT_MS) };
      const r = mode === 'admit' ? await api.POST('/api/v1/checkin', init) : await api.POST('/api/v1/checkin/lookup', init);
      if (mine !== seq.current) return;
      if (r.data) {
        const data = r.data.data as Admission | Lookup;
        setAnswer(mode === 'admit' ? { kind: 'admitted', ticket: data as Admission } : { kind: 'found', ticket: data as Lookup });
        void refreshCount(data.screening_id);
      } else {
        const e = r.error as unknown as Partial<Refusal> & Record<string, unknown>;
        const { type: _t, title: _ti, status: _s, code: c, message, ...details } = e;
        setAnswer({
          kind: 'refused',
          refusal: { code: problemCode(r.error) ?? String(c ?? r.response.status), message: String(message ?? ''), details },
        });
        // the count of the show the refused ticket is for, or none (a forged code has no show)
        if (typeof details.screening_id === 'number') void refreshCount(details.screening_id);
        else {
          countSeq.current++;
          setCount(null);
        }
      }
    } catch {
      // the answer did not arrive: an admission may have happened or not, and only a look-up can tell
      if (mine === seq.current) setAnswer({ kind: 'offline', mode, code: text });
    }
  }

  async function startCamera() {
    if (!video.current) return;
    const turn = ++cameraTurn.current;
    setCameraError(null);
    setCamera('starting');
    paused.current = false;
    try {
      const started = await startScanner(video.current, (text) => {
        if (paused.current) return;
        // one answer per scan: the camera waits for "Scan next" (the same QR would read again at once)
        paused.current = true;
        setCamera('paused');
        void ask(text, 'admit').then(() => nextButton.current?.focus());
      });
      // stopped (or the page left) while the camera was starting: it does not stay on
      if (turn !== cameraTurn.current) return started.stop();
      scanner.current = started;
      setCamera('on');
    } catch (err) {
      if (turn !== cameraTurn.current) return;
      setCamera('off');
      setCameraError(err instanceof Error ? err.message : String(err));
    }
  }

  function stopCamera() {
    cameraTurn.current++;
    scanner.current?.stop();
    scanner.current = null;
    setCamera('off');
  }

  function scanNext() {
    paused.current = false;
    setAnswer(null);
    setCamera('on');
  }

  const submit = (mode: 'admit' | 'lookup') => (e?: Event) => {
    e?.preventDefault();
    const text = code.trim();
    if (text) void ask(text, mode);
  };

  return (
    <section class="door">
      <h1>{t('checkin.title')}</h1>
      {!online && <Notice kind="warn">{t('checkin.offline_now')}</Notice>}
      {/* the answer first: on a phone it is what the person at the door looks for */}
      <div aria-live="assertive" aria-atomic="true">
        {answer && <AnswerBox answer={answer} ask={(c, mode) => void ask(c, mode)} />}
      </div>
      {count && (
        <p class="door-count" data-testid="door-count">
          {t('checkin.count', {
            admitted: count.admitted,
            tickets: tn('count.tickets', count.tickets),
            admitted_seats: count.admitted_seats,
            seats: tn('count.seats', count.seats),
          })}
        </p>
      )}
      <div class="door-camera">
        {/* biome-ignore lint/a11y/useMediaCaption: a live camera picture has no sound to caption */}
        <video ref={video} class={camera === 'off' ? 'door-video off' : 'door-video'} aria-label={t('checkin.camera')} />
        {camera === 'on' && <p class="door-hint">{t('checkin.pointing')}</p>}
        <div class="actions">
          {camera === 'off' ? (
            <button type="button" class="primary" onClick={() => void startCamera()}>
              {t('checkin.scan')}
            </button>
          ) : (
            <>
              {camera === 'paused' && (
                <button type="button" class="primary" ref={nextButton} onClick={scanNext}>
                  {t('checkin.next')}
                </button>
              )}
              <button type="button" onClick={stopCamera}>
                {t('checkin.stop')}
              </button>
            </>
          )}
        </div>
        {cameraError && <Notice kind="warn">{t('checkin.camera_error', { message: cameraError })}</Notice>}
      </div>
      <form class="door-code" onSubmit={submit('admit')}>
        <label for="door-code">{t('checkin.code')}</label>
        <input
          id="door-code"
          value={code}
          autoComplete="off"
          autoCapitalize="characters"
          spellcheck={false}
          onInput={(e) => setCode((e.target as HTMLInputElement).value)}
        />
        <div class="actions">
          <button type="submit" class="primary">
            {t('checkin.admit')}
          </button>
          <button type="button" onClick={submit('lookup')}>
            {t('checkin.lookup')}
          </button>
        </div>
      </form>
    </section>
  );
}

function Facts({ ticket }: { ticket: TicketFacts }) {
  return (
    <>
      <p class="door-seats">
        <span class="sr-only">{t('checkin.seats')}: </span>
        {ticket.seats.map((s) => s.label).join(', ')}
      </p>
      <p>
        {ticket.movie.title} · {ticket.hall.name} · {localTime(ticket.local_show_time, ticket.theater.time_zone)}
      </p>
      <p class="code">{ticket.booking_code}</p>
    </>
  );
}

function AnswerBox({ answer, ask }: { answer: Answer; ask: (code: string, mode: 'admit' | 'lookup') => void }) {
  switch (answer.kind) {
    case 'checking':
      return <p class="door-answer door-checking">{t('checkin.checking')}</p>;
    case 'offline':
      return (
        <div class="door-answer door-refused" role="alert">
          <p class="door-verdict">{t(answer.mode === 'admit' ? 'checkin.offline_admit' : 'checkin.offline')}</p>
          <button type="button" onClick={() => ask(answer.code, 'lookup')}>
            {t('checkin.lookup_again')}
          </button>
        </div>
      );
    case 'admitted':
      return (
        <div class="door-answer door-admitted" data-testid="door-answer">
          <p class="door-verdict">✓ {t('checkin.admitted')}</p>
          <Facts ticket={answer.ticket} />
        </div>
      );
    case 'refused':
      return (
        <div class="door-answer door-refused" data-testid="door-answer">
          <p class="door-verdict">✕ {t('checkin.refused')}</p>
          <p class="door-reason">{refusalText(answer.refusal)}</p>
        </div>
      );
    case 'found': {
      const r = answer.ticket.refusal;
      return (
        <div class="door-answer door-found" data-testid="door-answer">
          <p class="door-verdict">{t('checkin.found')}</p>
          <Facts ticket={answer.ticket} />
          <p>{r ? t('checkin.would_refuse', { reason: refusalText(r) }) : t('checkin.would_admit')}</p>
          {!r && (
            <button type="button" class="primary" onClick={() => ask(answer.ticket.booking_code, 'admit')}>
              {t('checkin.admit_now')}
            </button>
          )}
        </div>
      );
    }
  }
}
