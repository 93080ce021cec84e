import { ConfigError, prepareApp } from '@shop/platform';
import { orderServiceApp, orderServiceConfig } from './order-service.app.js';

const BROKER = { AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672' };

describe('the order-service configuration', () => {
  it('listens on 3001 by default', () => {
    expect(prepareApp(orderServiceApp, BROKER).configuration.get(orderServiceConfig)).toEqual({ port: 3001 });
  });

  it('refuses a bad port, and ignores the settings of modules it does not host', () => {
    expect(() => prepareApp(orderServiceApp, { ...BROKER, ORDER_SERVICE_PORT: '70000', PAYMENT_LIMIT_CENTS: '-1' })).toThrow(
      expect.objectContaining({ problems: ['ORDER_SERVICE_PORT: must be between 1 and 65535 (got "70000")'] }),
    );
  });

  it('refuses to start without a broker', () => {
    expect(() => prepareApp(orderServiceApp, {})).toThrow(
      new ConfigError(['AMQP_URL: required by order-service, which is reached over RabbitMQ']),
    );
  });
});
