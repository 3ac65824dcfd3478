import { type Runtime } from '../runtime';

/** Webhook ids emitted by one action, for the control API's answer. */
export type Emitted = string[];

export function emit(rt: Runtime, out: Emitted, wabaId: string, field: string, value: unknown): void {
  out.push(rt.dispatcher.emit(wabaId, field, value).id);
}
