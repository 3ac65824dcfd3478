import { ReplyError, replyNow } from '../customers/inbound';
import { type Runtime } from '../runtime';
import { customerOf } from '../state/store';
import { type Emitted } from './emit';
import * as phones from './phones';
import * as templates from './templates';
import * as wabas from './wabas';
import { ControlError } from './errors';
import { type ControlAction } from './schema';

export interface ActionResult {
  ok: true;
  type: ControlAction['type'];
  /** Ids of the webhooks the action emitted (see `GET /_control/webhooks`). */
  webhooks: string[];
  data?: unknown;
}

/** Applies one control action — from the control API or a scenario timeline — and reports what it emitted. */
export function applyAction(rt: Runtime, action: ControlAction): ActionResult {
  const out: Emitted = [];
  const data = run(rt, action, out);
  return { ok: true, type: action.type, webhooks: out, ...(data !== undefined ? { data } : {}) };
}

function run(rt: Runtime, a: ControlAction, out: Emitted): unknown {
  const { store } = rt;
  switch (a.type) {
    case 'banWaba':
      return wabas.banWaba(rt, a.wabaId, a.state, out);
    case 'restrictWaba':
      return wabas.restrictWaba(rt, a.wabaId, a.restrictionType, a.durationMs, out);
    case 'reinstateWaba':
      return wabas.reinstateWaba(rt, a.wabaId, out);
    case 'expireToken': {
      const waba = store.wabas.get(a.wabaId);
      if (!waba) throw new ControlError(404, `unknown WABA ${a.wabaId}`);
      waba.tokenExpired = a.expired;
      return undefined;
    }
    case 'setPhoneQuality':
      return phones.setPhoneQuality(rt, a.phoneNumberId, a.quality, out);
    case 'setPhoneStatus':
      return phones.setPhoneStatus(rt, a.phoneNumberId, a.status, out);
    case 'pauseTemplate':
      return templates.pauseTemplate(rt, a.templateId, out);
    case 'disableTemplate':
      return templates.disableTemplate(rt, a.templateId, out);
    case 'reinstateTemplate':
      return templates.reinstateTemplate(rt, a.templateId, out);
    case 'setTemplateQuality':
      return templates.setTemplateQuality(rt, a.templateId, a.quality, out);
    case 'setTemplateCategory':
      return templates.setTemplateCategory(rt, a.templateId, a.category, out);
    case 'setPortfolioTier':
      return wabas.setPortfolioTier(rt, a.portfolioId, a.tier, out);
    case 'injectErrors': {
      const { type: _type, ...rule } = a;
      return store.faults.addRule(rule);
    }
    case 'injectUnknownOutcome': {
      const { type: _type, ...rule } = a;
      return store.faults.addUnknownOutcome(rule);
    }
    case 'clearFaults':
      return store.faults.clear();
    case 'setLatency':
      if (a.phoneNumberId === undefined) store.faults.latencyMs = a.ms;
      else store.faults.latencyByPhone.set(a.phoneNumberId, a.ms);
      return undefined;
    case 'setDown':
      store.faults.down = a.down ? { httpStatus: a.httpStatus, code: a.code } : undefined;
      return undefined;
    case 'setDelivery': {
      const { type: _type, ...patch } = a;
      Object.assign(store.delivery, patch);
      return store.delivery;
    }
    case 'setLimits': {
      const { type: _type, pairRate, portfolioLimit, ...rest } = a;
      Object.assign(store.limits, rest);
      if (pairRate) Object.assign(store.limits.pairRate, pairRate);
      if (portfolioLimit) Object.assign(store.limits.portfolioLimit, portfolioLimit);
      return store.limits;
    }
    case 'setTemplateReview': {
      if (a.delayMs !== undefined) store.templateReview.delayMs = a.delayMs;
      if (a.rules !== undefined) store.templateReview.rules = a.rules;
      return store.templateReview;
    }
    case 'setCustomer': {
      const { type: _type, waId, ...patch } = a;
      const current = store.customers.get(waId) ?? customerOf(store, waId);
      const next = { ...current, ...patch };
      store.customers.set(waId, next);
      return next;
    }
    case 'customerReply':
      try {
        return replyNow(rt, a.waId, a.reply);
      } catch (err) {
        if (err instanceof ReplyError) throw new ControlError(409, err.message);
        throw err;
      }
  }
}
