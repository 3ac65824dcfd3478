import { DAY_MS, unixSeconds } from '../core/clock';
import { type Runtime } from '../runtime';
import { type RestrictionType, type Tier } from '../scenario/accounts-schema';
import { wabasOfPortfolio } from '../state/store';
import { emit, type Emitted } from './emit';
import { mustGet } from './errors';

/** Ban (DISABLE) or schedule a ban: `account_update` DISABLED_UPDATE with ban_info (§5.7). */
export function banWaba(rt: Runtime, wabaId: string, state: 'DISABLE' | 'SCHEDULE_FOR_DISABLE', out: Emitted): void {
  const waba = mustGet(rt.store.wabas, wabaId, 'WABA');
  waba.status = state === 'DISABLE' ? 'BANNED' : 'SCHEDULED_FOR_DISABLE';
  const date = new Date(rt.clock.now() + (state === 'DISABLE' ? 0 : 7 * DAY_MS)).toISOString().slice(0, 10);
  emit(rt, out, wabaId, 'account_update', {
    event: 'DISABLED_UPDATE',
    ban_info: { waba_ban_state: state, waba_ban_date: date },
  });
}

/** `account_update` ACCOUNT_RESTRICTION with restriction_info (§5.7). */
export function restrictWaba(
  rt: Runtime,
  wabaId: string,
  type: RestrictionType,
  durationMs: number,
  out: Emitted,
): void {
  const waba = mustGet(rt.store.wabas, wabaId, 'WABA');
  const expiresAt = rt.clock.now() + durationMs;
  waba.status = 'RESTRICTED';
  waba.restriction = { type, expiresAt };
  emit(rt, out, wabaId, 'account_update', {
    event: 'ACCOUNT_RESTRICTION',
    restriction_info: [{ restriction_type: type, expiration: unixSeconds(expiresAt) }],
  });
}

/** Back to ACTIVE: a ban is lifted with DISABLED_UPDATE/REINSTATE, a restriction with an empty restriction_info. */
export function reinstateWaba(rt: Runtime, wabaId: string, out: Emitted): void {
  const waba = mustGet(rt.store.wabas, wabaId, 'WABA');
  const was = waba.status;
  waba.status = 'ACTIVE';
  delete waba.restriction;
  if (was === 'BANNED' || was === 'SCHEDULED_FOR_DISABLE') {
    const date = new Date(rt.clock.now()).toISOString().slice(0, 10);
    emit(rt, out, wabaId, 'account_update', {
      event: 'DISABLED_UPDATE',
      ban_info: { waba_ban_state: 'REINSTATE', waba_ban_date: date },
    });
  } else if (was === 'RESTRICTED') {
    emit(rt, out, wabaId, 'account_update', { event: 'ACCOUNT_RESTRICTION', restriction_info: [] });
  }
}

/** Raising or lowering the portfolio's limit: `business_capability_update` to each of its WABAs (§5.13). */
export function setPortfolioTier(rt: Runtime, portfolioId: string, tier: Tier, out: Emitted): void {
  const portfolio = mustGet(rt.store.portfolios, portfolioId, 'portfolio');
  portfolio.tier = tier;
  for (const waba of wabasOfPortfolio(rt.store, portfolioId)) {
    emit(rt, out, waba.id, 'business_capability_update', {
      max_daily_conversations_per_business: tier,
      max_phone_numbers_per_business: portfolio.maxPhoneNumbers,
    });
  }
}
