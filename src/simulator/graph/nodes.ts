import { GraphError } from '../errors/graph-error';
import {
  aggregate,
  businessHealth,
  type HealthEntity,
  phoneHealth,
  templateHealth,
  wabaHealth,
} from '../health/health-status';
import { type PhoneNumber, type Template, type Waba } from '../scenario/accounts-schema';
import { type Store } from '../state/store';

type Node = Record<string, unknown>;

/** Meta's default field sets when `fields` is omitted. */
export const DEFAULT_FIELDS = {
  phone: [
    'verified_name',
    'code_verification_status',
    'display_phone_number',
    'quality_rating',
    'platform_type',
    'throughput',
    'id',
  ],
  waba: ['id', 'name', 'currency', 'timezone_id', 'message_template_namespace'],
  template: ['name', 'parameter_format', 'components', 'language', 'status', 'category', 'id'],
} as const;

const NODE_TYPES = {
  phone: 'WhatsAppBusinessPhoneNumber',
  waba: 'WhatsAppBusinessAccount',
  template: 'WhatsAppMessageTemplate',
};

/** The send path's shared entities: WABA, BUSINESS (portfolio) and APP, after the node's own. */
function pathEntities(store: Store, waba: Waba, appId: string): HealthEntity[] {
  const portfolio = store.portfolios.get(waba.portfolioId);
  const app: HealthEntity = { entity_type: 'APP', id: appId, can_send_message: 'AVAILABLE' };
  return [wabaHealth(waba), ...(portfolio ? [businessHealth(portfolio)] : []), app];
}

export function phoneNode(store: Store, phone: PhoneNumber, appId: string): Node {
  const waba = store.wabas.get(phone.wabaId) as Waba;
  const tier = store.portfolios.get(waba.portfolioId)?.tier ?? 'TIER_250';
  return {
    id: phone.id,
    display_phone_number: phone.displayPhoneNumber,
    verified_name: phone.verifiedName,
    quality_rating: phone.qualityRating,
    status: phone.status,
    code_verification_status: phone.registered ? 'VERIFIED' : 'NOT_VERIFIED',
    name_status: phone.nameStatus,
    platform_type: phone.registered ? 'CLOUD_API' : 'NOT_APPLICABLE',
    throughput: { level: phone.throughput > 80 ? 'HIGH' : 'STANDARD' },
    whatsapp_business_manager_messaging_limit: tier,
    messaging_limit_tier: tier === 'TIER_2K' ? 'TIER_1K' : tier,
    account_mode: phone.accountMode,
    is_official_business_account: false,
    is_pin_enabled: false,
    health_status: aggregate([phoneHealth(phone), ...pathEntities(store, waba, appId)]),
  };
}

export function wabaNode(store: Store, waba: Waba, appId: string): Node {
  const portfolio = store.portfolios.get(waba.portfolioId);
  return {
    id: waba.id,
    name: waba.name,
    currency: waba.currency,
    timezone_id: waba.timezoneId,
    message_template_namespace: `ns_${waba.id}`,
    account_review_status: waba.accountReviewStatus,
    business_verification_status: portfolio?.verified ? 'verified' : 'not_verified',
    ownership_type: 'CLIENT_OWNED',
    ...(waba.country ? { country: waba.country } : {}),
    owner_business_info: { id: waba.portfolioId, name: portfolio?.name ?? '' },
    health_status: aggregate(pathEntities(store, waba, appId)),
  };
}

export function templateNode(store: Store, template: Template, appId: string, nowMs: number): Node {
  const waba = store.wabas.get(template.wabaId) as Waba;
  return {
    id: template.id,
    name: template.name,
    language: template.language,
    status: template.status,
    category: template.category,
    ...(template.previousCategory ? { previous_category: template.previousCategory } : {}),
    parameter_format: template.parameterFormat,
    components: template.components,
    quality_score: { score: template.qualityScore, date: Math.floor(nowMs / 1000) },
    rejected_reason: template.rejectedReason,
    health_status: aggregate([templateHealth(template), ...pathEntities(store, waba, appId)]),
  };
}

/**
 * Keeps the requested fields (`?fields=a,b`), always with `id`, like Graph; an unknown field is Graph's
 * "(#100) Tried accessing nonexisting field".
 */
export function selectFields(node: Node, fields: string | undefined, kind: keyof typeof DEFAULT_FIELDS): Node {
  const wanted = fields
    ? fields
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean)
    : [...DEFAULT_FIELDS[kind]];
  const out: Node = {};
  for (const field of wanted) {
    const name = field.replace(/\{.*\}$/, '');
    if (!(name in node)) {
      throw new GraphError(100, undefined, {
        message: `(#100) Tried accessing nonexisting field (${name}) on node type (${NODE_TYPES[kind]})`,
      });
    }
    out[name] = node[name];
  }
  out.id = node.id;
  return out;
}
