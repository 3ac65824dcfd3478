import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reviewChangeOf } from '../../src/domain/template-review';
import { healthChangeSchema } from '../../src/meta/webhook-health-schemas';

const change = (field: string, value: Record<string, unknown>) => healthChangeSchema.parse({ field, value });
const ref = {
  message_template_id: 900001000000001,
  message_template_name: 'winter_offer',
  message_template_language: 'en_US',
};

describe('template review: what a webhook says about a member', () => {
  it('when a template is rejected, then the member is REJECTED with the reason and its category', () => {
    const c = change('message_template_status_update', {
      ...ref,
      event: 'REJECTED',
      reason: 'PROMOTIONAL',
      message_template_category: 'UTILITY',
    });
    assert.deepEqual(reviewChangeOf(c), {
      templateId: '900001000000001',
      status: 'REJECTED',
      reason: 'PROMOTIONAL',
      category: 'UTILITY',
    });
  });

  it('when a template is approved or reinstated, then the member is APPROVED without a reason', () => {
    for (const event of ['APPROVED', 'REINSTATED']) {
      const c = change('message_template_status_update', { ...ref, event, reason: 'NONE' });
      assert.deepEqual(reviewChangeOf(c), { templateId: '900001000000001', status: 'APPROVED', reason: null });
    }
  });

  it('when a template is only flagged, then its status is left alone', () => {
    assert.deepEqual(reviewChangeOf(change('message_template_status_update', { ...ref, event: 'FLAGGED' })), {
      templateId: '900001000000001',
    });
  });

  it('when a category change is applied, then the member takes it; an announced one waits', () => {
    const applied = change('template_category_update', {
      ...ref,
      previous_category: 'UTILITY',
      new_category: 'MARKETING',
    });
    assert.deepEqual(reviewChangeOf(applied), { templateId: '900001000000001', category: 'MARKETING' });
    const announced = change('template_category_update', {
      ...ref,
      correct_category: 'MARKETING',
      new_category: 'MARKETING',
    });
    assert.equal(reviewChangeOf(announced), undefined);
    assert.equal(reviewChangeOf(change('account_review_update', { decision: 'APPROVED' })), undefined);
  });
});
