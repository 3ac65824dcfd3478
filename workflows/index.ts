// The workflow bundle's entry: every workflow the worker hosts.
export { messageDelivery } from './message-delivery';
export { registryRefresh } from './registry-refresh';
