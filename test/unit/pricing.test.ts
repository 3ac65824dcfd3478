import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countryOf, priceMessage } from '../../src/domain/pricing';

describe('pricing', () => {
  it('when the recipient is Indian, then the Indian rates apply by category', () => {
    assert.equal(countryOf('919800000001'), 'IN');
    const cost = priceMessage('919800000001', [
      { attemptId: 'a', kind: 'template', pricing: null },
      { attemptId: 'b', kind: 'consent', pricing: { billable: true, category: 'utility', type: 'regular' } },
      {
        attemptId: 'c',
        kind: 'session',
        pricing: { billable: false, category: 'service', type: 'free_customer_service' },
      },
    ]);
    assert.equal(cost.total, 0.0014);
    assert.deepEqual(
      cost.lines.map((l) => l.billable),
      [false, true, false],
    );
  });

  it('when a tenant rate card is given, then it overrides the defaults for that country only', () => {
    const card = { IN: { marketing: 0.02 } };
    const p = { billable: true, category: 'marketing', type: 'regular' };
    assert.equal(priceMessage('919800000001', [{ attemptId: 'a', kind: 'template', pricing: p }], card).total, 0.02);
    assert.equal(priceMessage('447700900001', [{ attemptId: 'a', kind: 'template', pricing: p }], card).total, 0.0529);
  });

  it('when a calling code is shared by several countries, then its main country prices it', () => {
    assert.equal(countryOf('447700900001'), 'GB');
    assert.equal(countryOf('14155550100'), 'US');
  });

  it('when the country is unknown to the card, then the * rates apply', () => {
    const p = { billable: true, category: 'marketing' };
    assert.equal(priceMessage('33612345678', [{ attemptId: 'a', kind: 'template', pricing: p }]).total, 0.025);
  });
});
