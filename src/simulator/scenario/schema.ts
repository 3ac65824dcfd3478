import { z } from 'zod';
import { ControlActionSchema } from '../actions/schema';
import { PhoneNumberSchema, PortfolioSchema, TemplateSchema, WabaSchema } from './accounts-schema';
import { CustomerSchema } from './customers-schema';
import { DeliverySchema, LimitsSchema } from './settings-schema';
import { TemplateReviewSchema } from '../templates/review-settings';

export const TimelineEntrySchema = z.object({
  /** Offset from the timeline's start (divided by the simulator's `timelineSpeed`). */
  atMs: z.number().int().min(0),
  action: ControlActionSchema,
  note: z.string().optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

const ScenarioObject = z.object({
  name: z.string().default('custom'),
  description: z.string().optional(),
  /** A built-in scenario whose accounts come first; this file's lists are appended, its settings win. */
  extends: z.string().optional(),
  portfolios: z.array(PortfolioSchema).default([]),
  wabas: z.array(WabaSchema).default([]),
  phoneNumbers: z.array(PhoneNumberSchema).default([]),
  templates: z.array(TemplateSchema).default([]),
  customers: z.array(CustomerSchema).default([]),
  limits: LimitsSchema.prefault({}),
  delivery: DeliverySchema.prefault({}),
  /** How submitted templates are reviewed (delay, scripted rejections and reassignments). */
  templateReview: TemplateReviewSchema.prefault({}),
  timeline: z.array(TimelineEntrySchema).default([]),
  /** `onLoad`: the timeline starts with the scenario; `manual`: on `POST /_control/timeline/start`. */
  timelineStart: z.enum(['onLoad', 'manual']).default('onLoad'),
});

/** Every id unique, every reference resolvable, one template per (WABA, name, language). */
function checkReferences(s: z.infer<typeof ScenarioObject>, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
  const unique = (key: string, ids: string[]): void => {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id)) issue([key, i, 'id'], `duplicate id ${id}`);
      seen.add(id);
    });
  };
  unique(
    'portfolios',
    s.portfolios.map((p) => p.id),
  );
  unique(
    'wabas',
    s.wabas.map((w) => w.id),
  );
  unique(
    'phoneNumbers',
    s.phoneNumbers.map((p) => p.id),
  );
  unique(
    'templates',
    s.templates.map((t) => t.id),
  );
  const portfolios = new Set(s.portfolios.map((p) => p.id));
  const wabas = new Set(s.wabas.map((w) => w.id));
  s.wabas.forEach(
    (w, i) => portfolios.has(w.portfolioId) || issue(['wabas', i, 'portfolioId'], `unknown portfolio ${w.portfolioId}`),
  );
  s.phoneNumbers.forEach(
    (p, i) => wabas.has(p.wabaId) || issue(['phoneNumbers', i, 'wabaId'], `unknown WABA ${p.wabaId}`),
  );
  const keys = new Set<string>();
  s.templates.forEach((t, i) => {
    if (!wabas.has(t.wabaId)) issue(['templates', i, 'wabaId'], `unknown WABA ${t.wabaId}`);
    const key = `${t.wabaId}/${t.name}/${t.language}`;
    if (keys.has(key))
      issue(['templates', i, 'name'], `duplicate template ${t.name} (${t.language}) in WABA ${t.wabaId}`);
    keys.add(key);
  });
  const waIds = new Set<string>();
  s.customers.forEach((c, i) => {
    if (waIds.has(c.waId)) issue(['customers', i, 'waId'], `duplicate customer ${c.waId}`);
    waIds.add(c.waId);
  });
}

/** A scenario file (YAML or JSON): accounts, customers, limits and a fault timeline. */
export const ScenarioSchema = ScenarioObject.superRefine(checkReferences);
/** A scenario as written (defaults optional). */
export type Scenario = z.input<typeof ScenarioSchema>;
/** A scenario after validation and defaults. */
export type LoadedScenario = z.output<typeof ScenarioSchema>;
/** Before cross-reference checks: what `extends` merges. */
export const ScenarioShape = ScenarioObject;
