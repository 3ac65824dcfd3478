import { type SendRecord } from '../state/records';
import { type Pricing } from '../webhooks/payloads';

/**
 * Per-message pricing (§8): templates are billed by category, except utility inside an open window
 * (free_customer_service); free-form messages are service, free.
 */
export function pricingOf(record: Pick<SendRecord, 'category' | 'windowOpen'>): Pricing {
  switch (record.category) {
    case 'MARKETING':
      return { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' };
    case 'AUTHENTICATION':
      return { billable: true, pricing_model: 'PMP', type: 'regular', category: 'authentication' };
    case 'UTILITY':
      return record.windowOpen
        ? { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'utility' }
        : { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' };
    default:
      return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' };
  }
}
