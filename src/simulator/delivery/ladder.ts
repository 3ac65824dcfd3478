import { unixSeconds } from '../core/clock';
import { chance } from '../core/random';
import { asyncErrorItem } from '../errors/graph-error';
import { reactTo } from '../customers/inbound';
import { statusDelay, type Runtime } from '../runtime';
import { bump, type InboxEntry, type MessageStatus, type SendRecord } from '../state/records';
import { customerOf, digitsOf } from '../state/store';
import { type StatusItem, statusValue } from '../webhooks/payloads';
import { type Outcome } from './outcome';
import { pricingOf } from './pricing';

const RANK: Record<MessageStatus, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

/**
 * Plays an accepted message's status ladder on the simulator's timers: `sent` → `delivered` → `read`, or
 * `failed` (after `sent`, or alone for failures that never leave Meta). With delivery quirks switched on, a
 * status webhook may be sent twice and `delivered` may come before `sent`. `lateMs` holds the whole ladder back
 * (an unknown-outcome fault with late statuses).
 */
export function scheduleLadder(rt: Runtime, record: SendRecord, outcome: Outcome, lateMs = 0): void {
  const d = statusDelay(rt);
  // Each step is scheduled by the one before it, `d` apart: timers of different lengths started together do not
  // keep their order in Node once the event loop lags (each length has its own timer list), and a `read` run
  // before its `delivered` would be dropped, with the customer's reply to it.
  const chain = (steps: StatusItem['status'][], first: number): void => {
    const [status, ...rest] = steps;
    if (status === undefined) return;
    rt.scheduler.after(first, () => {
      applyStep(rt, record, status, outcome);
      chain(rest, d);
    });
  };
  if (outcome.type === 'fail') {
    chain(outcome.afterSent ? ['sent', 'failed'] : ['failed'], lateMs + d);
    return;
  }
  const swapped = chance(rt.random, rt.store.delivery.outOfOrderRate);
  chain(swapped ? ['delivered', 'sent', 'read'] : ['sent', 'delivered', 'read'], lateMs + d);
}

function applyStep(rt: Runtime, record: SendRecord, status: StatusItem['status'], outcome: Outcome): void {
  const customer = customerOf(rt.store, record.recipient);
  const now = rt.clock.now();
  if ((status === 'delivered' || status === 'read') && !customer.online) return;
  if (status === 'read' && (!customer.readsMessages || record.status === 'failed')) return;
  if (status === 'read' && RANK[record.status] < RANK.delivered) return;

  if (RANK[status] > RANK[record.status]) record.status = status;
  record.statusHistory.push({ status, timestamp: now });
  const item: StatusItem = {
    id: record.wamid,
    status,
    timestamp: unixSeconds(now),
    recipient_id: record.recipient,
    ...(status === 'sent' || status === 'delivered' ? { pricing: pricingOf(record) } : {}),
    ...(record.bizOpaqueCallbackData !== undefined ? { biz_opaque_callback_data: record.bizOpaqueCallbackData } : {}),
  };
  if (status === 'failed' && outcome.type === 'fail') {
    record.errorCode = outcome.code;
    item.errors = [asyncErrorItem(outcome.code, outcome.details)];
    bump(rt.store.stats.asyncFailed, outcome.code);
  }
  emitStatus(rt, record, item);

  if (status === 'delivered') {
    rt.store.stats.delivered += 1;
    const entry = toInbox(rt, record, now);
    if (!customer.readsMessages) reactTo(rt, record, entry);
  }
  if (status === 'read') {
    rt.store.stats.read += 1;
    const entry = rt.store.inboxes.get(record.recipient)?.find((e) => e.wamid === record.wamid);
    if (entry) reactTo(rt, record, entry);
  }
}

function emitStatus(rt: Runtime, record: SendRecord, item: StatusItem): void {
  const phone = rt.store.phones.get(record.phoneNumberId);
  if (!phone) return;
  const value = statusValue(phone, item);
  rt.dispatcher.emitStatuses(record.wabaId, value);
  if (chance(rt.random, rt.store.delivery.duplicateRate)) {
    rt.dispatcher.emitStatuses(record.wabaId, value, Math.max(1, Math.floor(statusDelay(rt) / 2)));
  }
}

function toInbox(rt: Runtime, record: SendRecord, now: number): InboxEntry {
  const phone = rt.store.phones.get(record.phoneNumberId);
  const entry: InboxEntry = {
    wamid: record.wamid,
    fromPhoneNumberId: record.phoneNumberId,
    fromDisplayPhoneNumber: phone ? digitsOf(phone.displayPhoneNumber) : '',
    wabaId: record.wabaId,
    type: record.type,
    ...(record.interactiveType ? { interactiveType: record.interactiveType } : {}),
    ...(record.templateName ? { templateName: record.templateName, templateLanguage: record.templateLanguage } : {}),
    ...(record.rendered ? { rendered: record.rendered } : {}),
    payload: record.payload,
    receivedAt: now,
  };
  const inbox = rt.store.inboxes.get(record.recipient) ?? [];
  inbox.push(entry);
  rt.store.inboxes.set(record.recipient, inbox);
  return entry;
}
