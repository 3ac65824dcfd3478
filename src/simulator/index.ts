/**
 * Lifeline's Cloud API simulator: Meta's endpoints, validation, error codes and signed webhooks, plus a
 * control API to script faults. Independent of src/meta on purpose: it checks that client, so it must not
 * share its code. See README.md.
 */
export { createSimulator, type ListeningSimulator, type Simulator } from './simulator';
export { SimulatorOptionsSchema, type SimulatorOptions } from './options';
export { type SimulatorState } from './state-view';
export { type ActionResult } from './actions/apply';
export {
  ControlActionSchema,
  type ControlAction,
  type ControlActionInput,
  type ErrorScope,
  type InjectErrors,
} from './actions/schema';
export { ManualClock, SystemClock, type Clock } from './core/clock';
export { type SimLogger } from './core/logger';
export { builtInScenarioNames, loadScenario, ScenarioError, SCENARIO_DIR } from './scenario/load';
export { ScenarioSchema, type LoadedScenario, type Scenario, type TimelineEntry } from './scenario/schema';
export {
  type PhoneNumber,
  type Portfolio,
  type Quality,
  type Template,
  type TemplateButton,
  type TemplateComponent,
  type TemplateDefinition,
  type Tier,
  type Waba,
} from './scenario/accounts-schema';
export {
  type Behaviour,
  type Customer,
  type CustomerPatch,
  type CustomerReply,
  type ReplyOption,
} from './scenario/customers-schema';
export { type InboundRecord, type InboxEntry, type SendRecord, type Stats } from './state/records';
export { type WebhookRecord } from './webhooks/dispatcher';
export { type WebhookEnvelope } from './webhooks/payloads';
export { metaJson } from './webhooks/escape';
export { signatureOf, verifySignature } from './webhooks/signer';
export { aggregate as aggregateHealth, type HealthEntity, type HealthStatus } from './health/health-status';
export { tierLimit } from './limits/tiers';
export {
  normaliseWaId,
  validateOutbound,
  type OutboundContext,
  type OutboundResult,
  type ValidatedMessage,
} from './validation/outbound';
export { type ValidationFailure } from './validation/result';
export { matchTemplate, type RenderedTemplate, type TemplateLike } from './validation/template-match';
export { ERROR_CATALOG, errorSpec } from './errors/catalog';
