// A refund policy (admins): the chain's default (theaterId absent) or a theater's own, which starts as
// a copy of the default when first saved and can be dropped to follow the default again. Tiers (how
// much comes back how long before the show), the fee, the review threshold, rounding, and the
// purchase grace period.
import { useEffect, useState } from 'preact/hooks';
import { api, type paths } from '../api/client.ts';
import { t } from '../i18n/index.ts';
import { useApi } from '../lib/use-api.ts';
import { ErrorBox } from '../ui.tsx';
import { attempt, Check, Field, ifMatch, type Said, SaidLine, useOneAtATime } from './form-kit.tsx';

type Policy = paths['/api/v1/refund-policies/default']['get']['responses'][200]['content']['application/json']['data'];
type Body = paths['/api/v1/refund-policies/default']['put']['requestBody']['content']['application/json'];
type Draft = {
  tiers: { hours: string; percent: string }[];
  fees: boolean;
  threshold: string;
  rounding: Policy['rounding'];
  grace: string;
  graceHours: string;
};

const draftOf = (p: Policy): Draft => ({
  tiers: p.tiers.map((x) => ({ hours: String(x.min_hours_before), percent: String(x.percent) })),
  fees: p.fees_refundable,
  threshold: p.review_threshold === null ? '' : String(p.review_threshold),
  rounding: p.rounding,
  grace: String(p.grace_minutes),
  graceHours: String(p.grace_min_hours_before),
});

const bodyOf = (d: Draft): Body => ({
  tiers: d.tiers.map((x) => ({ min_hours_before: Number(x.hours), percent: Number(x.percent) })),
  fees_refundable: d.fees,
  review_threshold: d.threshold.trim() === '' ? null : Number(d.threshold),
  rounding: d.rounding,
  grace_minutes: Number(d.grace),
  grace_min_hours_before: Number(d.graceHours),
});

export function RefundPolicyForm({ theaterId }: { theaterId?: number }) {
  const policy = useApi(
    () =>
      theaterId === undefined
        ? api.GET('/api/v1/refund-policies/default')
        : api.GET('/api/v1/theaters/{id}/refund-policy', { params: { path: { id: theaterId } } }),
    [theaterId],
  );
  const [d, setD] = useState<Draft | undefined>(undefined);
  const [said, say] = useState<Said>();
  useEffect(() => policy.data && setD(draftOf(policy.data)), [policy.data]);
  const set = (patch: Partial<Draft>) => setD((x) => x && { ...x, ...patch });
  const setTier = (i: number, patch: Partial<Draft['tiers'][number]>) =>
    d && set({ tiers: d.tiers.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
  const heading = theaterId === undefined ? t('catalog.default_policy') : t('catalog.refund_policy');

  const { busy, run } = useOneAtATime();
  const save = (e: Event) => {
    e.preventDefault();
    void run(() => savePolicy());
  };
  async function savePolicy() {
    if (!d) return;
    const body = bodyOf(d);
    const header = ifMatch(policy.etag);
    const r = await attempt(
      theaterId === undefined
        ? api.PUT('/api/v1/refund-policies/default', { headers: header, body })
        : api.PUT('/api/v1/theaters/{id}/refund-policy', { params: { path: { id: theaterId } }, headers: header, body }),
      say,
      policy.reload,
    );
    if (!r) return;
    say({ kind: 'ok', text: t('catalog.policy_saved') });
    policy.reload();
  }
  async function followDefault() {
    if (theaterId === undefined || !confirm(t('catalog.policy_use_default_confirm'))) return;
    const r = await attempt(
      api.DELETE('/api/v1/theaters/{id}/refund-policy', { params: { path: { id: theaterId } }, headers: ifMatch(policy.etag) }),
      say,
      policy.reload,
    );
    if (!r) return;
    say({ kind: 'ok', text: t('catalog.policy_default_now') });
    policy.reload();
  }

  return (
    <form class="schedule-editor catalog-form" onSubmit={save} aria-labelledby="policy-h">
      <h2 id="policy-h">{heading}</h2>
      {policy.error && <ErrorBox message={policy.error} retry={policy.reload} />}
      {policy.data && theaterId !== undefined && (
        <p>{policy.data.source === 'theater' ? t('catalog.policy_own') : t('catalog.policy_follows_default')}</p>
      )}
      {d && (
        <>
          {d.tiers.map((x, i) => (
            <fieldset key={i} class="price-rule">
              <legend>{t('catalog.tier_n', { n: i + 1 })}</legend>
              <Field
                label={t('catalog.tier_hours')}
                required
                type="number"
                min={0}
                max={8760}
                value={x.hours}
                onInput={(v) => setTier(i, { hours: v })}
              />
              <Field
                label={t('catalog.tier_percent')}
                required
                type="number"
                min={0}
                max={100}
                value={x.percent}
                onInput={(v) => setTier(i, { percent: v })}
              />
              <button type="button" onClick={() => set({ tiers: d.tiers.filter((_, j) => j !== i) })}>
                {t('catalog.tier_remove', { n: i + 1 })}
              </button>
            </fieldset>
          ))}
          <button type="button" onClick={() => set({ tiers: [...d.tiers, { hours: '0', percent: '0' }] })}>
            {t('catalog.tier_add')}
          </button>
          <Check label={t('catalog.fees_refundable')} checked={d.fees} onChange={(v) => set({ fees: v })} />
          <Field label={t('catalog.review_threshold')} type="number" min={0} step="0.01" value={d.threshold} onInput={(v) => set({ threshold: v })} />
          <label class="field">
            {t('catalog.rounding')}
            <select value={d.rounding} onChange={(e) => set({ rounding: (e.target as HTMLSelectElement).value as Draft['rounding'] })}>
              <option value="half_up">{t('catalog.rounding.half_up')}</option>
              <option value="down">{t('catalog.rounding.down')}</option>
            </select>
          </label>
          <Field label={t('catalog.grace_minutes')} required type="number" min={0} max={1440} value={d.grace} onInput={(v) => set({ grace: v })} />
          <Field
            label={t('catalog.grace_hours')}
            required
            type="number"
            min={0}
            max={8760}
            value={d.graceHours}
            onInput={(v) => set({ graceHours: v })}
          />
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {t('catalog.save_policy')}
            </button>
            {theaterId !== undefined && policy.data?.source === 'theater' && (
              <button type="button" disabled={busy} onClick={() => void run(() => followDefault())}>
                {t('catalog.policy_use_default')}
              </button>
            )}
          </div>
        </>
      )}
      <SaidLine said={said} />
    </form>
  );
}
