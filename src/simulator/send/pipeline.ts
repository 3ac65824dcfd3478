import { decideOutcome, type Outcome } from '../delivery/outcome';
import { scheduleLadder } from '../delivery/ladder';
import { GraphError, unknownObject } from '../errors/graph-error';
import { tierLimit } from '../limits/tiers';
import { type Runtime } from '../runtime';
import { type PhoneNumber, type Template, type Waba } from '../scenario/accounts-schema';
import { type SendRecord } from '../state/records';
import { customerOf, digitsOf, templatesOfWaba } from '../state/store';
import { type ValidatedMessage, validateOutbound } from '../validation/outbound';
import { authenticate } from './auth';
import { assertNotRestricted, assertPhoneCanSend, assertWabaNotBanned } from './preconditions';
import { asGraphError, errorReply, type GraphReply } from './reply';

/**
 * `POST /{version}/{PNID}/messages`, in Meta's order of checks (§10.1-2): token, number, account state,
 * payload, window, throughput, pair rate, injected faults, portfolio limit; then the message is accepted
 * and its fate (delivered, or failed asynchronously) is played out by webhooks. An unknown-outcome fault
 * (faults/unknown-outcome.ts) then holds back or drops the accepted reply.
 */
export function handleSend(
  rt: Runtime,
  phoneNumberId: string,
  authorization: string | undefined,
  body: unknown,
): GraphReply {
  rt.store.stats.requests += 1;
  let wabaId: string | undefined;
  try {
    const wabaIds = authenticate(rt.store, authorization);
    const phone = rt.store.phones.get(phoneNumberId);
    if (!phone || phone.status === 'DELETED' || !wabaIds.has(phone.wabaId)) throw unknownObject(phoneNumberId, 'post');
    const waba = rt.store.wabas.get(phone.wabaId) as Waba;
    wabaId = waba.id;
    assertPhoneCanSend(phone);
    assertWabaNotBanned(waba);
    const result = validateOutbound(body, {
      templates: templatesOfWaba(rt.store, waba.id),
      senderWaId: digitsOf(phone.displayPhoneNumber),
    });
    if (!result.ok) throw new GraphError(result.code, result.details);
    if (result.message.kind === 'read_receipt') return markRead(rt, phone, result.message.readMessageId ?? '');
    return accept(rt, phone, waba, result.message, body as Record<string, unknown>);
  } catch (err) {
    return errorReply(rt, asGraphError(err), wabaId);
  }
}

function markRead(rt: Runtime, phone: PhoneNumber, wamid: string): GraphReply {
  const inbound = rt.store.inbound.get(wamid);
  if (!inbound || inbound.phoneNumberId !== phone.id) {
    throw new GraphError(100, `message_id: ${wamid} is not a message received by this phone number`);
  }
  inbound.readByBusiness = true;
  return { status: 200, body: { success: true } };
}

function accept(
  rt: Runtime,
  phone: PhoneNumber,
  waba: Waba,
  msg: ValidatedMessage,
  body: Record<string, unknown>,
): GraphReply {
  const { store } = rt;
  const now = rt.clock.now();
  const kind = msg.kind === 'template' ? 'template' : 'session';
  const windowOpen = store.windows.isOpen(phone.id, msg.waId, now);
  if (kind === 'session' && !windowOpen) {
    throw new GraphError(
      131047,
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    );
  }
  assertNotRestricted(waba, kind, now);
  if (!store.throughput.tryTake(phone.id, phone.throughput, now)) {
    throw new GraphError(130429, `Cloud API message throughput (${phone.throughput}/s) has been reached.`);
  }
  if (!store.pairRate.tryTake(phone.id, msg.waId, store.limits.pairRate, now)) {
    throw new GraphError(
      131056,
      'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
    );
  }
  const template = msg.template as Template | undefined;
  const facts = {
    phoneNumberId: phone.id,
    wabaId: waba.id,
    recipient: msg.waId,
    ...(template ? { templateId: template.id, templateName: template.name } : {}),
  };
  const syncFault = store.faults.pick('sync', facts, rt.random);
  if (syncFault)
    throw new GraphError(syncFault.code, syncFault.details ?? 'Simulated fault injected by the control API.');

  const portfolioOutcome = checkPortfolioLimit(rt, waba, msg.waId, kind === 'template' && !windowOpen, now);
  const customer = customerOf(store, msg.waId);
  const asyncFault = store.faults.pick('async', facts, rt.random);
  const outcome: Outcome =
    portfolioOutcome ??
    decideOutcome({
      customer,
      ...(template ? { category: template.category } : {}),
      windowOpen,
      usMarketingBlocked: store.limits.usMarketingBlocked,
      marketingReceived24h: store.marketingReceived.count(msg.waId, now),
      marketingCap: customer.marketingCap ?? store.limits.defaultMarketingCap,
      ...(asyncFault
        ? { injected: { code: asyncFault.code, ...(asyncFault.details ? { details: asyncFault.details } : {}) } }
        : {}),
    });
  if (outcome.type === 'deliver' && template?.category === 'MARKETING' && !windowOpen) {
    store.marketingReceived.add(msg.waId, now);
  }

  const wamid = rt.ids.wamid(msg.waId, 'out');
  const record: SendRecord = {
    wamid,
    phoneNumberId: phone.id,
    wabaId: waba.id,
    portfolioId: waba.portfolioId,
    to: msg.to,
    recipient: msg.waId,
    type: msg.type,
    ...(msg.interactiveType ? { interactiveType: msg.interactiveType } : {}),
    ...(template
      ? {
          templateId: template.id,
          templateName: template.name,
          templateLanguage: template.language,
          category: template.category,
        }
      : {}),
    ...(msg.rendered ? { rendered: msg.rendered } : {}),
    timestamp: now,
    windowOpen,
    ...(msg.bizOpaqueCallbackData !== undefined ? { bizOpaqueCallbackData: msg.bizOpaqueCallbackData } : {}),
    messageStatus: template?.pacing ? 'held_for_quality_assessment' : 'accepted',
    status: 'accepted',
    statusHistory: [{ status: 'accepted', timestamp: now }],
    payload: body,
  };
  store.sends.push(record);
  store.messages.set(wamid, record);
  store.stats.accepted += 1;
  const unknown = store.faults.pickUnknownOutcome(facts, rt.random);
  scheduleLadder(rt, record, outcome, unknown?.statusDelayMs ?? 0);
  return {
    status: 200,
    ...(unknown ? { afterAccept: { mode: unknown.mode, responseDelayMs: unknown.responseDelayMs } } : {}),
    body: {
      messaging_product: 'whatsapp',
      contacts: [{ input: msg.to, wa_id: msg.waId }],
      messages: [{ id: wamid, ...(template ? { message_status: record.messageStatus } : {}) }],
    },
  };
}

/**
 * The portfolio messaging limit (§7.1): unique recipients of business-initiated templates per rolling 24 h,
 * shared by every number of the portfolio. A recipient already counted in the window is free.
 */
function checkPortfolioLimit(rt: Runtime, waba: Waba, waId: string, counts: boolean, now: number): Outcome | undefined {
  if (!counts) return undefined;
  const { store } = rt;
  const portfolio = store.portfolios.get(waba.portfolioId);
  const limit = portfolio ? tierLimit(portfolio.tier) : Number.POSITIVE_INFINITY;
  if (!Number.isFinite(limit) || store.portfolioRecipients.has(waba.portfolioId, waId, now)) return undefined;
  if (store.portfolioRecipients.count(waba.portfolioId, now) < limit) {
    store.portfolioRecipients.add(waba.portfolioId, waId, now);
    return undefined;
  }
  const { code, mode } = store.limits.portfolioLimit;
  const details = `Business portfolio ${waba.portfolioId} reached its messaging limit (${portfolio?.tier}: ${limit} unique recipients in 24 hours).`;
  if (mode === 'sync') throw new GraphError(code, details);
  return { type: 'fail', code, afterSent: false, details };
}
