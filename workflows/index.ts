// The workflow bundle's entry: every workflow the worker hosts.
export { conversationMessage } from './conversation-message';
export { messageDelivery } from './message-delivery';
export { registryRefresh } from './registry-refresh';
export { campaign } from './campaign';
