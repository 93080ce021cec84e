export { BetaConsumer } from './beta.consumer.js';
