import { type ErrorScope, type InjectErrors, type UnknownOutcome } from '../actions/schema';
import { chance, type Random } from '../core/random';
import { type UnknownOutcomeRule } from './unknown-outcome';

export interface ErrorRule extends InjectErrors {
  id: string;
  /** Errors this rule has injected so far. */
  fired: number;
}

/** What a send is about, for matching error rules. */
export interface SendFacts {
  phoneNumberId: string;
  wabaId: string;
  recipient: string;
  templateId?: string;
  templateName?: string;
}

/** Scripted faults: error rules, unknown outcomes, latency, the whole API down. Mutable, owned by one simulator. */
export class Faults {
  rules: ErrorRule[] = [];
  unknownOutcomes: UnknownOutcomeRule[] = [];
  latencyMs = 0;
  latencyByPhone = new Map<string, number>();
  down: { httpStatus: number; code: number } | undefined;
  private nextId = 1;

  addRule(rule: InjectErrors): ErrorRule {
    const full = { ...rule, id: `rule-${this.nextId++}`, fired: 0 };
    this.rules.push(full);
    return full;
  }

  /**
   * The first rule of `mode` whose scope matches and whose rate draw fires; its count is spent, and an
   * exhausted rule is removed.
   */
  pick(mode: 'sync' | 'async', facts: SendFacts, random: Random): ErrorRule | undefined {
    for (const rule of this.rules) {
      if (rule.mode !== mode || !scopeMatches(rule.scope, facts)) continue;
      if (!chance(random, rule.rate)) continue;
      rule.fired += 1;
      if (rule.count !== undefined && rule.fired >= rule.count) this.rules = this.rules.filter((r) => r !== rule);
      return rule;
    }
    return undefined;
  }

  addUnknownOutcome(rule: UnknownOutcome): UnknownOutcomeRule {
    const full = { ...rule, id: `unknown-${this.nextId++}`, fired: 0 };
    this.unknownOutcomes.push(full);
    return full;
  }

  /** The first unknown-outcome rule that matches an accepted send and fires (its count is spent). */
  pickUnknownOutcome(facts: SendFacts, random: Random): UnknownOutcomeRule | undefined {
    for (const rule of this.unknownOutcomes) {
      if (!scopeMatches(rule.scope, facts) || !chance(random, rule.rate)) continue;
      rule.fired += 1;
      if (rule.count !== undefined && rule.fired >= rule.count) {
        this.unknownOutcomes = this.unknownOutcomes.filter((r) => r !== rule);
      }
      return rule;
    }
    return undefined;
  }

  latencyFor(phoneNumberId: string | undefined): number {
    return (phoneNumberId !== undefined ? this.latencyByPhone.get(phoneNumberId) : undefined) ?? this.latencyMs;
  }

  clear(): void {
    this.rules = [];
    this.unknownOutcomes = [];
    this.latencyMs = 0;
    this.latencyByPhone.clear();
    this.down = undefined;
  }
}

function scopeMatches(s: ErrorScope, facts: SendFacts): boolean {
  return (
    (s.phoneNumberId === undefined || s.phoneNumberId === facts.phoneNumberId) &&
    (s.wabaId === undefined || s.wabaId === facts.wabaId) &&
    (s.recipient === undefined || s.recipient.replace(/\D/g, '') === facts.recipient) &&
    (s.templateId === undefined || s.templateId === facts.templateId) &&
    (s.templateName === undefined || s.templateName === facts.templateName)
  );
}
