import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing, stopTracing } from '@shop/platform';
import { eventually, freePort } from '@shop/testing';
import { ShopClient } from './support/shop-client.js';
import { startShop, type ShopUnderTest } from './support/shop.js';
import { startStrangledShop, type StrangledShop } from './support/strangled-shop.js';

/** A span as both sources give it: this process's in-memory exporter, order-service's OTLP export. */
interface SeenSpan {
  service: string;
  traceId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

/** An OTLP/HTTP JSON receiver (POST /v1/traces), as a collector would be: what order-service exports lands here. */
class OtlpJsonReceiver {
  readonly spans: SeenSpan[] = [];
  private server: Server | undefined;

  async start(port: number): Promise<string> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.url === '/v1/traces') this.receive(JSON.parse(body) as OtlpExport);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private receive(exported: OtlpExport): void {
    for (const { resource, scopeSpans } of exported.resourceSpans ?? []) {
      const service = String(resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue);
      for (const { spans } of scopeSpans) {
        for (const span of spans) {
          const attributes = Object.fromEntries(
            span.attributes.map((a) => [a.key, a.value.stringValue ?? a.value.boolValue ?? a.value.intValue]),
          );
          // OTLP's JSON form numbers kinds from 1 (SERVER = 2); the API's from 0 (SERVER = 1).
          this.spans.push({ service, traceId: span.traceId, name: span.name, kind: span.kind - 1, attributes });
        }
      }
    }
  }
}

interface OtlpExport {
  resourceSpans?: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{
      spans: Array<{
        traceId: string;
        name: string;
        kind: number;
        attributes: Array<{ key: string; value: { stringValue?: string; boolValue?: boolean; intValue?: string } }>;
      }>;
    }>;
  }>;
}

const SERVER = 1;
const CLIENT = 2;
const CONSUMER = 4;

const fromMemory = (exporter: InMemorySpanExporter): SeenSpan[] =>
  exporter.getFinishedSpans().map((span: ReadableSpan) => ({
    service: String(span.resource.attributes['service.name']),
    traceId: span.spanContext().traceId,
    name: span.name,
    kind: span.kind,
    attributes: span.attributes,
  }));

/** Places an order under a trace of our own (the caller's `traceparent`), retrying while ordering's read model lacks the product. */
interface Placed {
  traceId: string;
  orderId: string;
  customer: string;
}

async function placeOrderInTrace(shop: ShopUnderTest, product: string): Promise<Placed> {
  const customer = shop.bearer();
  return eventually(
    async () => {
      const traceId = randomBytes(16).toString('hex');
      const response = await shop
        .http()
        .post('/api/v1/orders')
        .set('Authorization', customer)
        .set('traceparent', `00-${traceId}-${randomBytes(8).toString('hex')}-01`)
        .send({ items: [{ productId: product, quantity: 1 }] });
      return response.status === 201 ? { traceId, orderId: response.body.id as string, customer } : undefined;
    },
    5000,
    'an order placed',
    100,
  );
}

const consumedBy = (spans: SeenSpan[], context: string) =>
  spans.filter((span) => span.kind === CONSUMER && span.attributes['shop.context'] === context).map((span) => span.name);

describe('one trace per request, across the broker', () => {
  const memory = new InMemorySpanExporter();

  beforeAll(() => startTracing('monolith', { spanProcessors: [new SimpleSpanProcessor(memory)] }));
  afterAll(() => stopTracing());

  describe('in service mode: the monolith here, order-service as its own process exporting over OTLP http/json', () => {
    const receiver = new OtlpJsonReceiver();
    let shop: StrangledShop;

    beforeAll(async () => {
      const endpoint = await receiver.start(await freePort());
      shop = await startStrangledShop('service', {
        serviceEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '50' },
      });
    }, 120_000);
    afterAll(async () => {
      await shop?.close();
      await receiver.stop();
    });

    it('follows POST /api/v1/orders through request-reply, order-service and its SQL, to catalog and payments', async () => {
      const client = new ShopClient(shop.http, shop.admin);
      const product = await client.createProduct({ priceCents: 500, stock: 5 });
      const { traceId, orderId } = await placeOrderInTrace(shop, product);

      const trace = await eventually(
        () => {
          const spans = [...fromMemory(memory), ...receiver.spans].filter((span) => span.traceId === traceId);
          const paymentTaken = consumedBy(spans, 'payments').some((name) => name.startsWith('payments.TakePayment'));
          const stockAnswered = consumedBy(spans, 'ordering').some((name) => name.startsWith('catalog.StockReserved'));
          return paymentTaken && stockAnswered ? spans : undefined;
        },
        20_000,
        `the whole saga of ${orderId} in trace ${traceId}`,
        100,
      );

      const monolith = trace.filter((span) => span.service === 'monolith');
      const service = trace.filter((span) => span.service === 'order-service');
      expect(monolith).toContainEqual(expect.objectContaining({ kind: SERVER, name: 'POST /api/v1/orders' }));
      expect(monolith).toContainEqual(
        expect.objectContaining({
          kind: CLIENT,
          name: expect.stringMatching(/^ordering /),
          attributes: expect.objectContaining({ 'rpc.service': 'ordering' }),
        }),
      );
      expect(service).toContainEqual(
        expect.objectContaining({ kind: SERVER, attributes: expect.objectContaining({ 'rpc.service': 'ordering' }) }),
      );
      expect(
        service.filter((span) => span.attributes['db.system.name'] === 'postgresql' || span.attributes['db.system'] === 'postgresql')
          .length,
      ).toBeGreaterThan(0);
      expect(consumedBy(trace, 'catalog')).toContainEqual(expect.stringMatching(/^ordering\.OrderPlaced/));
      expect(consumedBy(trace, 'payments')).toContainEqual(expect.stringMatching(/^payments\.TakePayment/));
      // The saga's own steps, wherever ordering's consumer ran: catalog's answer came back to it.
      expect(consumedBy(trace, 'ordering')).toContainEqual(expect.stringMatching(/^catalog\.StockReserved/));
    }, 60_000);

    it('marks the service half of a shadow read as shadow, in the request trace', async () => {
      await shop.route('shadow');
      const client = new ShopClient(shop.http, shop.admin);
      const product = await client.createProduct({ priceCents: 500, stock: 5 });
      const { traceId, orderId, customer } = await placeOrderInTrace(shop, product);
      await shop
        .http()
        .get(`/api/v1/orders/${orderId}`)
        .set('Authorization', customer)
        .set('traceparent', `00-${traceId}-${randomBytes(8).toString('hex')}-01`);

      const shadow = await eventually(
        () => fromMemory(memory).find((span) => span.traceId === traceId && span.attributes['shop.strangler.shadow'] === true),
        5000,
        'a shadow span',
      );
      expect(shadow.name).toBe('shadow read');
    }, 30_000);
  });

  describe('in monolith mode, events in-process', () => {
    let shop: ShopUnderTest;

    beforeAll(async () => {
      shop = await startShop({ transport: 'in-process' });
    }, 60_000);
    afterAll(() => shop?.close());

    it('puts the HTTP request, its SQL and catalog and payments handling the saga in one trace', async () => {
      const client = new ShopClient(shop.http, shop.bearer(['admin']));
      const product = await client.createProduct({ priceCents: 700, stock: 5 });
      const { traceId } = await placeOrderInTrace(shop, product);

      const trace = await eventually(
        () => {
          const spans = fromMemory(memory).filter((span) => span.traceId === traceId);
          return consumedBy(spans, 'payments').length > 0 && consumedBy(spans, 'ordering').some((name) => name.startsWith('payments.'))
            ? spans
            : undefined;
        },
        10_000,
        `the saga in trace ${traceId}`,
        100,
      );
      expect(trace).toContainEqual(expect.objectContaining({ kind: SERVER, name: 'POST /api/v1/orders' }));
      expect(trace.some((span) => span.name.startsWith('pg.query'))).toBe(true);
      expect(consumedBy(trace, 'catalog')).toContainEqual(expect.stringMatching(/^ordering\.OrderPlaced/));
      expect(consumedBy(trace, 'payments')).toContainEqual(expect.stringMatching(/^payments\.TakePayment/));
    }, 30_000);
  });
});
