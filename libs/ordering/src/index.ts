export { OrderingHttpModule, OrderingModule } from './ordering.module.js';
