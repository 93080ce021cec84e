import { startShop } from './support/shop.js';
import { orderingContract } from './support/ordering-contract.js';

describe('ordering (monolith, PostgreSQL)', () => {
  orderingContract(() => startShop());
});
