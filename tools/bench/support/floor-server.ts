// The floor of the shop's two hottest reads: what a bare Node.js server needs to answer them the way the
// monolith does, with no framework. Same PostgreSQL rows, same SQL, same JSON body and headers
// (X-Request-Id, X-Served-By, Content-Type, Content-Length, ETag), same RS256 verification rules
// with a parsed key, a pg pool of the monolith's size. The suite measures it alternately with the app,
// so "0.4x floor" says how much of the machine the app's layers take; it is a yardstick, never deployed.
//
//   GET /api/v1/orders/:id   bearer token; the owner or an admin gets the order, anyone else 404
//   GET /api/v1/products     public; first page (limit 20, offset 0), ordered by sku, then id
//   GET /health/ready        200 once the pool has answered
//
// Environment: PORT, DATABASE_URL, JWT_PUBLIC_KEY.
import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import jwt from 'jsonwebtoken';
import pg from 'pg';

const POOL_SIZE = 10;
const PAGE = { limit: 20, offset: 0 };
const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const ORDER_PATH = /^\/api\/v1\/orders\/([^/?]+)$/;
const VERIFY = { algorithms: ['RS256' as const], issuer: 'shop', audience: 'shop-api' };

const key = createPublicKey(process.env.JWT_PUBLIC_KEY!);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: POOL_SIZE, application_name: 'shop-floor' });

interface OrderRow {
  id: string;
  customer_id: string;
  status: string;
  lines: Array<{ productId: string; quantity: number; unitPriceCents: number }>;
  total_cents: string;
  rejection_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  price_cents: number;
  stock: number;
}

/** Express's default ETag (the etag package, weak): the body's length in hex and the start of its SHA-1. */
function weakEtag(body: Buffer): string {
  return `W/"${body.length.toString(16)}-${createHash('sha1').update(body).digest('base64').substring(0, 27)}"`;
}

/** Express's way of answering JSON: the body, its length and a weak ETag, in the monolith's header order. */
function send(response: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const bytes = Buffer.from(JSON.stringify(body));
  response.statusCode = status;
  response.setHeader('Content-Type', `${contentType}; charset=utf-8`);
  response.setHeader('Content-Length', bytes.length);
  response.setHeader('ETag', weakEtag(bytes));
  response.end(bytes);
}

const problem = (response: ServerResponse, status: number, slug: string, title: string, detail: string) =>
  send(response, status, { type: `https://shop.example.com/problems/${slug}`, title, status, detail }, 'application/problem+json');

/** The caller of a valid bearer token, or undefined (the monolith's JwtAuthGuard and TokenService.verify). */
function caller(request: IncomingMessage): { id: string; roles: string[] } | undefined {
  const bearer = /(\S+)\s+(\S+)/.exec(request.headers.authorization ?? '');
  if (bearer?.[1]!.toLowerCase() !== 'bearer') return undefined;
  try {
    const claims = jwt.verify(bearer[2]!, key, VERIFY);
    if (typeof claims === 'string' || typeof claims.exp !== 'number' || typeof claims.sub !== 'string' || claims.sub === '')
      return undefined;
    const roles: unknown = claims.roles;
    if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) return undefined;
    return { id: claims.sub, roles: roles as string[] };
  } catch {
    return undefined;
  }
}

async function getOrder(request: IncomingMessage, response: ServerResponse, id: string): Promise<void> {
  response.setHeader('X-Served-By', 'monolith');
  const user = caller(request);
  if (!user) {
    response.setHeader('WWW-Authenticate', 'Bearer');
    return problem(response, 401, 'unauthorized', 'Unauthorized', 'A valid bearer token is required.');
  }
  const notFound = () => problem(response, 404, 'not-found', 'Not Found', `Order ${id} not found.`);
  if (!UUID.test(id)) return notFound();
  // The columns and LIMIT of TypeORM's findOneBy on OrderEntity.
  const { rows } = await pool.query<OrderRow>(
    'SELECT id, customer_id, status, saga_step, lines, total_cents, rejection_reason, created_at, updated_at ' +
      'FROM ordering.orders WHERE id = $1 LIMIT 1',
    [id],
  );
  const row = rows[0];
  if (!row || (row.customer_id !== user.id && !user.roles.includes('admin'))) return notFound();
  send(response, 200, {
    id: row.id,
    customerId: row.customer_id,
    status: row.status,
    items: row.lines.map(({ productId, quantity, unitPriceCents }) => ({ productId, quantity, unitPriceCents })),
    totalCents: Number(row.total_cents),
    ...(row.rejection_reason ? { rejectionReason: row.rejection_reason } : {}),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  });
}

async function listProducts(response: ServerResponse): Promise<void> {
  // The two statements of TypeORM's findAndCount: the page, then the size of the whole.
  const page = await pool.query<ProductRow>(
    'SELECT id, sku, name, price_cents, stock, created_at, updated_at FROM catalog.products ORDER BY sku ASC, id ASC LIMIT $1 OFFSET $2',
    [PAGE.limit, PAGE.offset],
  );
  const count = await pool.query<{ total: string }>('SELECT COUNT(DISTINCT id) AS total FROM catalog.products');
  send(response, 200, {
    items: page.rows.map(({ id, sku, name, price_cents, stock }) => ({ id, sku, name, priceCents: price_cents, stock })),
    total: Number(count.rows[0]!.total),
    limit: PAGE.limit,
    offset: PAGE.offset,
  });
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const candidate = request.headers['x-request-id'];
  response.setHeader('X-Request-Id', typeof candidate === 'string' && SANE_REQUEST_ID.test(candidate) ? candidate : randomUUID());
  const url = request.url ?? '/';
  if (request.method !== 'GET') return problem(response, 404, 'not-found', 'Not Found', `Cannot ${request.method} ${url}`);
  if (url === '/api/v1/products') return listProducts(response);
  if (url === '/health/ready') return send(response, 200, { status: 'ok' });
  const order = ORDER_PATH.exec(url);
  if (order) return getOrder(request, response, order[1]!);
  return problem(response, 404, 'not-found', 'Not Found', `Cannot GET ${url}`);
}

await pool.query('SELECT 1');
const server = createServer((request, response) => {
  handle(request, response).catch((error: unknown) => {
    console.error(error);
    if (!response.headersSent) problem(response, 500, 'internal', 'Internal Server Error', 'Unexpected error.');
    else response.destroy();
  });
});
server.keepAliveTimeout = 5000;
server.listen(Number(process.env.PORT), '127.0.0.1');
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => server.close(() => void pool.end().then(() => process.exit(0))));
}
