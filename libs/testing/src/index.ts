export * from './test-database.js';
export * from './test-app.js';
export * from './test-broker.js';
export * from './tcp-proxy.js';
export * from './app-process.js';
export * from './eventually.js';
export * from './deliveries.js';
