import { type Clock } from './core/clock';
import { type IdFactory } from './core/ids';
import { type SimLogger } from './core/logger';
import { type Random } from './core/random';
import { type Scheduler } from './core/scheduler';
import { type ResolvedOptions } from './options';
import { type Store } from './state/store';
import { type WebhookDispatcher, type WebhookTarget } from './webhooks/dispatcher';

export interface TimelineLogEntry {
  atMs: number;
  type: string;
  appliedAt: number;
  error?: string;
}

/** The parts of one simulator instance that every module works with; nothing of it lives at module level. */
export interface Runtime {
  options: ResolvedOptions;
  clock: Clock;
  scheduler: Scheduler;
  random: Random;
  ids: IdFactory;
  logger: SimLogger;
  /** Replaced on reset and on loading a scenario. */
  store: Store;
  dispatcher: WebhookDispatcher;
  webhook: WebhookTarget;
  timelineLog: TimelineLogEntry[];
}

/** The delay between status steps in force: the scenario's or control's override, else the option. */
export function statusDelay(rt: Runtime): number {
  return rt.store.delivery.statusDelayMs ?? rt.options.statusDelayMs;
}
