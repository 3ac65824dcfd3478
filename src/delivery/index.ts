/**
 * The delivery core (docs/delivery-core.md): the phases of one message as plain functions over explicit ports,
 * shared by the two drivers — the `messageDelivery` workflow (through its activities) and the campaign batch
 * activity. No Temporal, no database or HTTP client of its own: every I/O goes through a port the driver passes.
 * Workflow code imports only the pure files (`decide`, `attempt-ids`, `types`), never this barrel.
 */
export * from './types';
export * from './attempt-ids';
export * from './decide';
export * from './consent';
export * from './resolve';
export * from './health-gate';
export * from './send';
export * from './observer';
