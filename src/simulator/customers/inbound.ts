import { unixSeconds } from '../core/clock';
import { type Runtime } from '../runtime';
import { type CustomerReply } from '../scenario/customers-schema';
import { type InboundRecord, type InboxEntry, type SendRecord } from '../state/records';
import { customerOf, digitsOf } from '../state/store';
import { inboundValue, userPreferencesValue } from '../webhooks/payloads';
import { choicesOf, type InboundContent, optionsFor, pickOption, resolveReply } from './behaviour';

export class ReplyError extends Error {}

/**
 * A customer writes to a business number: the `messages` webhook goes out and the (number, customer)
 * service window opens for 24 h.
 */
export function deliverInbound(
  rt: Runtime,
  input: { waId: string; phoneNumberId: string; content: InboundContent; contextId?: string },
): InboundRecord {
  const phone = rt.store.phones.get(input.phoneNumberId);
  if (!phone) throw new ReplyError(`unknown phone number ${input.phoneNumberId}`);
  const customer = customerOf(rt.store, input.waId);
  const now = rt.clock.now();
  const wamid = rt.ids.wamid(input.waId, 'in');
  const message: Record<string, unknown> = {
    from: input.waId,
    id: wamid,
    timestamp: unixSeconds(now),
    ...(input.contextId ? { context: { from: digitsOf(phone.displayPhoneNumber), id: input.contextId } } : {}),
    ...input.content,
  };
  rt.store.windows.touch(phone.id, input.waId, now);
  const record: InboundRecord = {
    wamid,
    waId: input.waId,
    phoneNumberId: phone.id,
    type: input.content.type,
    message,
    ...(input.contextId ? { contextId: input.contextId } : {}),
    timestamp: now,
    readByBusiness: false,
  };
  rt.store.inbound.set(wamid, record);
  rt.store.stats.inbound += 1;
  rt.dispatcher.emit(phone.wabaId, 'messages', inboundValue(phone, { name: customer.name, waId: input.waId }, message));
  return record;
}

/** WhatsApp's "stop promotions": marketing templates now fail with 131050, and `user_preferences` goes out. */
export function stopMarketing(rt: Runtime, waId: string, phoneNumberId: string): void {
  const phone = rt.store.phones.get(phoneNumberId);
  if (!phone) throw new ReplyError(`unknown phone number ${phoneNumberId}`);
  const customer = ensureCustomer(rt, waId);
  customer.marketingStopped = true;
  const value = userPreferencesValue(phone, { name: customer.name, waId }, 'stop', Math.floor(rt.clock.now() / 1000));
  rt.dispatcher.emit(phone.wabaId, 'user_preferences', value);
}

function ensureCustomer(rt: Runtime, waId: string) {
  let customer = rt.store.customers.get(waId);
  if (!customer) {
    customer = customerOf(rt.store, waId);
    rt.store.customers.set(waId, customer);
  }
  return customer;
}

/** A scripted customer reacts to a message it received, per its behaviour (probabilities, delays). */
export function reactTo(rt: Runtime, record: SendRecord, entry: InboxEntry): void {
  const customer = customerOf(rt.store, record.recipient);
  const template = record.templateId ? rt.store.templates.get(record.templateId) : undefined;
  const choices = choicesOf(entry.payload, template);
  const option = pickOption(optionsFor(customer.behaviour, record.templateName, choices.length > 0), rt.random);
  if (!option || option.reply === 'ignore') return;
  const resolved = resolveReply({ kind: option.reply, text: option.text, title: option.button }, choices);
  if (!resolved) return;
  rt.scheduler.after(option.delayMs, () => {
    if (resolved.stopMarketing) stopMarketing(rt, record.recipient, record.phoneNumberId);
    if (resolved.content) {
      deliverInbound(rt, {
        waId: record.recipient,
        phoneNumberId: record.phoneNumberId,
        content: resolved.content,
        ...(resolved.quotes ? { contextId: record.wamid } : {}),
      });
    }
  });
}

/**
 * Makes a customer send a reply now (control API). The message replied to is `contextId`, else the last one
 * the customer received; the business number is the one that sent it unless `phoneNumberId` says otherwise.
 */
export function replyNow(
  rt: Runtime,
  waId: string,
  reply: CustomerReply,
): { inbound?: InboundRecord; stoppedMarketing: boolean } {
  const inbox = rt.store.inboxes.get(waId) ?? [];
  const target = reply.contextId ? inbox.find((e) => e.wamid === reply.contextId) : inbox[inbox.length - 1];
  if (reply.contextId && !target && !rt.store.messages.has(reply.contextId)) {
    throw new ReplyError(`customer ${waId} never received message ${reply.contextId}`);
  }
  const contextRecord = rt.store.messages.get(reply.contextId ?? target?.wamid ?? '');
  const phoneNumberId = reply.phoneNumberId ?? target?.fromPhoneNumberId ?? contextRecord?.phoneNumberId;
  if (!phoneNumberId) throw new ReplyError(`phoneNumberId is required: customer ${waId} has received nothing`);
  ensureCustomer(rt, waId);
  const payload = target?.payload ?? contextRecord?.payload ?? {};
  const template = contextRecord?.templateId ? rt.store.templates.get(contextRecord.templateId) : undefined;
  const resolved = resolveReply(
    {
      kind: reply.type,
      ...(reply.text !== undefined ? { text: reply.text } : {}),
      ...(reply.title !== undefined ? { title: reply.title } : {}),
      ...(reply.payload !== undefined ? { payload: reply.payload } : {}),
      ...(reply.description !== undefined ? { description: reply.description } : {}),
    },
    choicesOf(payload, template),
  );
  if (!resolved) throw new ReplyError(`reply ${reply.type} does not apply to the message (no such choice)`);
  if (resolved.stopMarketing) stopMarketing(rt, waId, phoneNumberId);
  if (!resolved.content) return { stoppedMarketing: resolved.stopMarketing };
  const contextId = resolved.quotes || reply.contextId ? (reply.contextId ?? target?.wamid) : undefined;
  const inbound = deliverInbound(rt, {
    waId,
    phoneNumberId,
    content: resolved.content,
    ...(contextId ? { contextId } : {}),
  });
  return { inbound, stoppedMarketing: resolved.stopMarketing };
}
