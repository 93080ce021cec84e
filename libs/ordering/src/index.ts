export { OrderingHttpModule, OrderingModule } from './ordering.module.js';
export { orderingStrangleable } from './ordering.strangleable.js';
