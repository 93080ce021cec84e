export { OrderingModule } from './ordering.module.js';
export { OrderingHttpModule } from './ordering-http.module.js';
export { orderingStrangleable } from './ordering.strangleable.js';
