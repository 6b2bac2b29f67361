// A theater's price card (admins): the surcharge of each seat type and the rules that move a price by
// day and time (matinee, weekend). Replaced whole, with the ETag it was read with.
import { useEffect, useState } from 'preact/hooks';
import { api, type paths } from '../api/client.ts';
import { t } from '../i18n/index.ts';
import { useApi } from '../lib/use-api.ts';
import { ErrorBox } from '../ui.tsx';
import { attempt, Field, ifMatch, type Said, SaidLine, useOneAtATime } from './form-kit.tsx';

type Pricing = paths['/api/v1/theaters/{id}/pricing']['put']['requestBody']['content']['application/json'];
/** A rule as typed: its adjustment is the field's text until it is sent. */
type Rule = Omit<Pricing['rules'][number], 'adjustment'> & { adjustment: string };
const SEAT_TYPES = ['regular', 'vip', 'couple', 'wheelchair', 'companion'] as const;
const DAYS = ['all', 'weekday', 'weekend'] as const;

/**
 * Prices in whole units only: the rupiah has sen on paper (ISO 4217 gives IDR two decimals, and the
 * server stores them) but no price, coin or transfer uses them; nor do currencies without a minor unit.
 */
export function wholeUnitsOnly(currency: string): boolean {
  if (currency === 'IDR') return true;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits === 0;
  } catch {
    return false;
  }
}

export function PriceCardForm({ theaterId }: { theaterId: number }) {
  const card = useApi(() => api.GET('/api/v1/theaters/{id}/pricing', { params: { path: { id: theaterId } } }), [theaterId]);
  const [surcharges, setSurcharges] = useState<Record<string, string>>({});
  const [rules, setRules] = useState<Rule[]>([]);
  const [said, say] = useState<Said>();
  useEffect(() => {
    if (!card.data) return;
    setSurcharges(Object.fromEntries(SEAT_TYPES.map((s) => [s, String(card.data?.surcharges[s] ?? '')])));
    setRules(card.data.rules.map(({ id: _, ...r }) => ({ ...r, adjustment: String(r.adjustment) })));
  }, [card.data]);
  const setRule = (i: number, patch: Partial<Rule>) => setRules((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const { busy, run } = useOneAtATime();
  // whole rupiah: checked on save with a message in words (a step of 1 would leave it to the browser's own)
  const whole = wholeUnitsOnly(card.data?.currency ?? 'IDR');
  const save = (e: Event) => {
    e.preventDefault();
    void run(() => saveCard());
  };
  async function saveCard() {
    const currency = card.data?.currency ?? 'IDR';
    if (wholeUnitsOnly(currency)) {
      const amounts = [
        ...SEAT_TYPES.filter((s) => surcharges[s]?.trim()).map((s) => ({ field: t(`seats.type.${s}`), text: surcharges[s] })),
        ...rules.map((r, i) => ({ field: `${t('catalog.rule_n', { n: i + 1 })}: ${t('catalog.rule_adjustment')}`, text: r.adjustment })),
      ];
      const fractional = amounts.find((a) => !Number.isInteger(Number(a.text)));
      if (fractional) return say({ kind: 'warn', text: t('catalog.whole_amount', { field: fractional.field, currency }) });
    }
    const body: Pricing = {
      surcharges: Object.fromEntries(SEAT_TYPES.filter((s) => surcharges[s]?.trim()).map((s) => [s, Number(surcharges[s])])),
      rules: rules.map((r) => ({
        name: r.name,
        days: r.days,
        adjustment: Number(r.adjustment),
        ...(r.starts_at ? { starts_at: r.starts_at } : {}),
        ...(r.ends_at ? { ends_at: r.ends_at } : {}),
      })),
    };
    const r = await attempt(
      api.PUT('/api/v1/theaters/{id}/pricing', { params: { path: { id: theaterId } }, headers: ifMatch(card.etag), body }),
      say,
      card.reload,
    );
    if (!r) return;
    say({ kind: 'ok', text: t('catalog.prices_saved') });
    card.reload();
  }

  return (
    <form class="schedule-editor catalog-form" onSubmit={save} aria-labelledby="prices-h">
      <h2 id="prices-h">{t('catalog.prices')}</h2>
      {card.error && <ErrorBox message={card.error} retry={card.reload} />}
      <fieldset>
        <legend>{t('catalog.surcharges', { currency: card.data?.currency ?? '' })}</legend>
        {SEAT_TYPES.map((s) => (
          <Field
            key={s}
            label={t(`seats.type.${s}`)}
            type="number"
            min={0}
            step={whole ? 'any' : '0.01'}
            value={surcharges[s] ?? ''}
            onInput={(v) => setSurcharges((x) => ({ ...x, [s]: v }))}
          />
        ))}
      </fieldset>
      {rules.map((r, i) => (
        <fieldset key={i} class="price-rule">
          <legend>{t('catalog.rule_n', { n: i + 1 })}</legend>
          <Field label={t('catalog.rule_name')} required maxLength={100} value={r.name} onInput={(v) => setRule(i, { name: v })} />
          <label class="field">
            {t('catalog.rule_days')}
            <select value={r.days} onChange={(e) => setRule(i, { days: (e.target as HTMLSelectElement).value as Rule['days'] })}>
              {DAYS.map((d) => (
                <option key={d} value={d}>
                  {t(`catalog.days.${d}`)}
                </option>
              ))}
            </select>
          </label>
          <Field label={t('catalog.rule_from')} type="time" value={r.starts_at ?? ''} onInput={(v) => setRule(i, { starts_at: v || undefined })} />
          <Field label={t('catalog.rule_until')} type="time" value={r.ends_at ?? ''} onInput={(v) => setRule(i, { ends_at: v || undefined })} />
          <Field
            label={t('catalog.rule_adjustment')}
            required
            type="number"
            step={whole ? 'any' : '0.01'}
            value={r.adjustment}
            onInput={(v) => setRule(i, { adjustment: v })}
          />
          <button type="button" onClick={() => setRules((rs) => rs.filter((_, j) => j !== i))}>
            {t('catalog.rule_remove', { name: r.name || String(i + 1) })}
          </button>
        </fieldset>
      ))}
      <div class="actions">
        <button type="button" onClick={() => setRules((rs) => [...rs, { name: '', days: 'all', adjustment: '' }])}>
          {t('catalog.rule_add')}
        </button>
        <button type="submit" class="primary" disabled={!card.data || busy}>
          {t('catalog.save_prices')}
        </button>
      </div>
      <SaidLine said={said} />
    </form>
  );
}
