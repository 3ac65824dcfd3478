import { type Runtime } from '../runtime';
import { type PhoneStatus, type Quality } from '../scenario/accounts-schema';
import { digitsOf } from '../state/store';
import { emit, type Emitted } from './emit';
import { mustGet } from './errors';

function qualityEvent(rt: Runtime, out: Emitted, phoneId: string, event: string): void {
  const phone = mustGet(rt.store.phones, phoneId, 'phone number');
  const waba = mustGet(rt.store.wabas, phone.wabaId, 'WABA');
  const tier = rt.store.portfolios.get(waba.portfolioId)?.tier ?? 'TIER_250';
  emit(rt, out, waba.id, 'phone_number_quality_update', {
    display_phone_number: digitsOf(phone.displayPhoneNumber),
    event,
    current_limit: tier,
    max_daily_conversations_per_business: tier,
  });
}

/**
 * Quality rating. Dropping to RED flags the number (`phone_number_quality_update` FLAGGED, status FLAGGED);
 * leaving RED unflags it. GREEN ↔ YELLOW changes send no webhook (Meta announces none; poll quality_rating).
 */
export function setPhoneQuality(rt: Runtime, phoneId: string, quality: Quality, out: Emitted): void {
  const phone = mustGet(rt.store.phones, phoneId, 'phone number');
  const was = phone.qualityRating;
  phone.qualityRating = quality;
  if (quality === 'RED' && was !== 'RED') {
    if (phone.status === 'CONNECTED') phone.status = 'FLAGGED';
    qualityEvent(rt, out, phoneId, 'FLAGGED');
  } else if (was === 'RED' && quality !== 'RED') {
    if (phone.status === 'FLAGGED') phone.status = 'CONNECTED';
    qualityEvent(rt, out, phoneId, 'UNFLAGGED');
  }
}

/**
 * Number status. FLAGGED/UNFLAGGED go out as `phone_number_quality_update`; Meta documents no webhook for the
 * other transitions (disconnect, ban, ...), so the simulator sends an `account_alerts` on the number
 * (alert_type `PHONE_NUMBER_<STATUS>` is the simulator's own naming).
 */
export function setPhoneStatus(rt: Runtime, phoneId: string, status: PhoneStatus, out: Emitted): void {
  const phone = mustGet(rt.store.phones, phoneId, 'phone number');
  const was = phone.status;
  phone.status = status;
  if (status === 'CONNECTED' && !phone.registered) phone.registered = true;
  if (status === was) return;
  if (status === 'FLAGGED') return qualityEvent(rt, out, phoneId, 'FLAGGED');
  if (was === 'FLAGGED' && status === 'CONNECTED') return qualityEvent(rt, out, phoneId, 'UNFLAGGED');
  const healthy = status === 'CONNECTED';
  emit(rt, out, phone.wabaId, 'account_alerts', {
    entity_type: 'PHONE_NUMBER',
    entity_id: phone.id,
    alert_info: {
      alert_severity: healthy ? 'INFORMATIONAL' : ['RATE_LIMITED', 'PENDING'].includes(status) ? 'WARNING' : 'CRITICAL',
      alert_status: healthy ? 'NONE' : 'ACTIVE',
      alert_type: `PHONE_NUMBER_${status}`,
      alert_description: `Phone number ${phone.displayPhoneNumber} changed from ${was} to ${status}.`,
    },
  });
}
