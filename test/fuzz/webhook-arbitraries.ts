import fc from 'fast-check';
import { hostileNumber, hostileString, hostileValue, maybe } from './arbitraries';

/** Webhook envelopes for the tenant's own WABA and numbers (so events are routed and handled), hostile inside. */
export function webhookBody(waba: string, phones: string[]) {
  const wabaId = fc.oneof({ weight: 4, arbitrary: fc.constant(waba) }, { weight: 1, arbitrary: hostileString });
  const phoneId = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...phones) },
    { weight: 1, arbitrary: hostileString },
  );
  const wamid = fc.oneof(fc.constantFrom('wamid.FZ-1', 'wamid.FZ-2'), hostileString);
  const customer = fc.oneof(fc.constantFrom('447700900001', '447700900002'), hostileString);
  const metadata = fc.record({ display_phone_number: maybe(hostileString), phone_number_id: maybe(phoneId) });
  const status = fc.record(
    {
      id: maybe(wamid),
      status: maybe(fc.constantFrom('sent', 'delivered', 'read', 'failed', 'played', 'bogus')),
      timestamp: maybe(fc.oneof(fc.constant('1767225600'), hostileString, hostileNumber)),
      recipient_id: maybe(customer),
      biz_opaque_callback_data: maybe(hostileString),
      errors: maybe(
        fc.array(fc.record({ code: maybe(fc.constantFrom(131049, 131026, 130429, 0)), title: hostileString })),
      ),
      pricing: maybe(
        fc.record({ billable: maybe(fc.boolean()), category: maybe(hostileString) }, { requiredKeys: [] }),
      ),
    },
    { requiredKeys: [] },
  );
  const inbound = fc.record(
    {
      from: maybe(customer),
      id: maybe(
        fc.oneof(
          fc.uuid().map((u) => `wamid.IN-${u}`),
          hostileString,
        ),
      ),
      timestamp: maybe(fc.constant('1767225600')),
      type: maybe(fc.constantFrom('text', 'button', 'interactive', 'image', 'reaction', 'unsupported')),
      text: maybe(
        fc.record({ body: fc.oneof(fc.constantFrom('STOP', 'agent', 'yes', 'no', 'Yes!!!'), hostileString) }),
      ),
      button: maybe(fc.record({ payload: hostileString, text: hostileString })),
      interactive: maybe(hostileValue),
      context: maybe(fc.record({ id: maybe(wamid), from: maybe(hostileString) }, { requiredKeys: [] })),
    },
    { requiredKeys: [] },
  );
  const messagesValue = fc.record(
    {
      messaging_product: mostly(fc.constant('whatsapp')),
      metadata: mostly(metadata),
      contacts: maybe(fc.array(fc.record({ wa_id: maybe(customer) }), { maxLength: 2 })),
      statuses: maybe(fc.array(status, { maxLength: 3 })),
      messages: maybe(fc.array(inbound, { maxLength: 3 })),
    },
    { requiredKeys: [] },
  );
  const healthValue = fc.record(
    {
      event: maybe(
        fc.constantFrom('DISABLED_UPDATE', 'ACCOUNT_VIOLATION', 'FLAGGED', 'PAUSED', 'APPROVED', 'REJECTED'),
      ),
      display_phone_number: maybe(hostileString),
      phone_number_id: maybe(phoneId),
      current_limit: maybe(fc.constantFrom('TIER_1K', 'TIER_250', 'bogus')),
      message_template_id: maybe(fc.oneof(fc.constantFrom(400000000000901, '400000000000901'), hostileNumber)),
      message_template_name: maybe(hostileString),
      message_template_language: maybe(hostileString),
      new_quality_score: maybe(fc.constantFrom('GREEN', 'YELLOW', 'RED', 'UNKNOWN')),
      ban_info: maybe(hostileValue),
      reason: maybe(hostileString),
    },
    { requiredKeys: [] },
  );
  const change = fc.oneof(
    fc.record({ field: fc.constant('messages'), value: mostly(messagesValue) }),
    fc.record({
      field: fc.constantFrom(
        'account_update',
        'phone_number_quality_update',
        'message_template_status_update',
        'message_template_quality_update',
        'template_category_update',
        'user_preferences',
        'unknown_field',
      ),
      value: mostly(healthValue),
    }),
    fc.record({ field: hostileString, value: fc.dictionary(hostileString, hostileValue, { noNullPrototype: true }) }),
  );
  // The envelope itself is right most of the time, so the hostility lands in the events the processor handles.
  const envelope = fc.record({
    object: mostly(fc.constant('whatsapp_business_account')),
    entry: mostly(
      fc.array(
        fc.record({
          id: wabaId,
          time: mostly(fc.nat(2_000_000_000)),
          changes: mostly(fc.array(change, { minLength: 1, maxLength: 3 })),
        }),
        { minLength: 1, maxLength: 2 },
      ),
    ),
  });
  return fc.oneof({ weight: 9, arbitrary: envelope }, { weight: 1, arbitrary: hostileValue });
}

/** Right 19 times in 20. */
function mostly<T>(good: fc.Arbitrary<T>) {
  return fc.oneof({ weight: 19, arbitrary: good }, { weight: 1, arbitrary: hostileValue });
}
