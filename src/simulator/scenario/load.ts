import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type z } from 'zod';
import { type LoadedScenario, type Scenario, ScenarioSchema, ScenarioShape } from './schema';

/** Built-in scenarios live beside the code, one YAML file per name. */
export const SCENARIO_DIR = join(__dirname, '..', 'scenarios');

export class ScenarioError extends Error {}

export function builtInScenarioNames(): string[] {
  return ['festive-campaign', 'fault-storm', 'minimal'];
}

/** Loads a scenario from an object, a built-in name or a YAML/JSON file path, validated and with defaults. */
export function loadScenario(source: Scenario | string | undefined, depth = 0): LoadedScenario {
  if (source === undefined) return ScenarioSchema.parse({ name: 'empty' });
  const raw = typeof source === 'string' ? readScenarioSource(source) : source;
  if (depth > 3) throw new ScenarioError('scenario `extends` nests too deeply');
  const shape = parseOrThrow(ScenarioShape, raw, typeof source === 'string' ? source : 'scenario');
  if (!shape.extends) return parseOrThrow(ScenarioSchema, raw, shape.name);
  const base = loadScenario(shape.extends, depth + 1);
  const own = raw as Record<string, unknown>;
  const merged = {
    ...base,
    ...own,
    extends: undefined,
    portfolios: [...base.portfolios, ...shape.portfolios],
    wabas: [...base.wabas, ...shape.wabas],
    phoneNumbers: [...base.phoneNumbers, ...shape.phoneNumbers],
    templates: [...base.templates, ...shape.templates],
    customers: [...base.customers, ...shape.customers],
    limits: own.limits === undefined ? base.limits : shape.limits,
    delivery: own.delivery === undefined ? base.delivery : shape.delivery,
    timeline: own.timeline === undefined ? base.timeline : shape.timeline,
  };
  return parseOrThrow(ScenarioSchema, merged, shape.name);
}

function readScenarioSource(nameOrPath: string): unknown {
  const builtIn = join(SCENARIO_DIR, `${nameOrPath}.yaml`);
  const path = /^[a-z0-9-]+$/.test(nameOrPath) && existsSync(builtIn) ? builtIn : nameOrPath;
  if (!existsSync(path)) {
    throw new ScenarioError(
      `scenario "${nameOrPath}" is neither a built-in (${builtInScenarioNames().join(', ')}) nor a file`,
    );
  }
  const text = readFileSync(path, 'utf8');
  try {
    return extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ScenarioError(`scenario ${path}: ${(err as Error).message}`);
  }
}

function parseOrThrow<T extends z.ZodType>(schema: T, raw: unknown, label: string): z.output<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const first = result.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ScenarioError(`invalid scenario ${label}: ${first.join('; ')}`);
}
