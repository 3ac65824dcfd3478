import { condition, proxyLocalActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { SA } from '../domain/search-attributes';
import { statusSignal } from '../../workflows/definitions';
import type { createFloorActivities } from './temporal-floor-activities';

const local = proxyLocalActivities<ReturnType<typeof createFloorActivities>>({ startToCloseTimeout: '10 seconds' });

/** A floor workflow's shape: how many no-op local activities before and after the send, and the status writes. */
export interface FloorShape {
  before: number;
  after: number;
  searchAttributes: boolean;
}

/**
 * The message lifecycle's shape with nothing inside (src/bench/temporal-floor.ts): local activities, search-
 * attribute writes, a timer and one status signal, as messageDelivery's delivered path has them, every activity a
 * no-op except `send`, which has the "webhook" signal the workflow as Meta's status would. What Temporal alone costs.
 */
export async function temporalFloor(input: { id: string; shape: FloorShape }): Promise<void> {
  let delivered = false;
  setHandler(statusSignal, () => {
    delivered = true;
  });
  for (let i = 0; i < input.shape.before; i++) await local.noop();
  await local.send(input.id);
  if (input.shape.searchAttributes) upsertSearchAttributes([{ key: SA.status, value: 'sent' }]);
  await condition(() => delivered, 120_000);
  for (let i = 0; i < input.shape.after; i++) await local.noop();
  if (input.shape.searchAttributes) upsertSearchAttributes([{ key: SA.status, value: 'delivered' }]);
  await local.done();
}
