export { StranglerModule, servedByDefault } from './strangler.module.js';
export { stranglerConfig, bootModeConfig, type StranglerConfig } from './strangler.config.js';
export { ContextGateway, SERVED_BY_HEADER, MONOLITH } from './routing/context-gateway.js';
export {
  STRANGLER_MODES,
  type StranglerMode,
  type StrangleableContext,
  type RoutedMessage,
  type RouteNames,
} from './routing/strangleable-context.js';
export { RouteTable, type Route } from './routing/route-table.js';
export { inCanary } from './routing/canary.js';
export { RemoteServices } from './remote/remote-services.js';
export { SHED_COUNTER, type BulkheadState } from './remote/remote-service.js';
export { ApiStranglerRoute, ROUTE_OVERRIDE_HEADER } from './routing/tester-override.js';
export { ShadowStore, type ShadowSums, type ShadowSampleView } from './shadow/shadow-store.js';
export { shadowConfig, type ShadowConfig } from './shadow/shadow.config.js';
