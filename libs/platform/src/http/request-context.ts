import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'x-request-id';
const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export interface RequestContextStore {
  requestId: string;
  /** Set while a message is handled: the causation id of whatever that handler publishes. */
  messageId?: string;
  /** The caller's `Authorization` header, forwarded when a request is served by another process. */
  authorization?: string;
  /** Sets a header on the HTTP response being prepared (absent outside HTTP). */
  setResponseHeader?: (name: string, value: string) => void;
  /**
   * Epoch milliseconds after which the caller no longer waits for this request (set when another
   * process sent it with a deadline): work must not commit after it (see UnitOfWork).
   */
  deadline?: number;
  /**
   * Set while a request delivered by the broker is served: the id it carries on every delivery. The
   * first unit of work to commit records it, so a redelivery of a request already applied is refused
   * (see UnitOfWork); cleared once recorded.
   */
  deliveredRequestId?: string;
  /**
   * What the request's metrics are labelled with besides its route: the context whose controller
   * answers it and, for a strangleable context, the strangler mode it was routed under.
   */
  labels?: { context?: string; mode?: string };
}

const storage = new AsyncLocalStorage<RequestContextStore>();

/** What the current request (or message) is, wherever the code runs: logs, outgoing messages. */
export const RequestContext = {
  current: (): RequestContextStore | undefined => storage.getStore(),
  requestId: (): string | undefined => storage.getStore()?.requestId,
  messageId: (): string | undefined => storage.getStore()?.messageId,
  deadline: (): number | undefined => storage.getStore()?.deadline,
  deliveredRequestId: (): string | undefined => storage.getStore()?.deliveredRequestId,
  run: <T>(store: RequestContextStore, work: () => T): T => storage.run(store, work),
  /** Labels the current request's metrics (see RequestContextStore.labels); nothing outside a request. */
  label: (labels: { context?: string; mode?: string }): void => {
    const store = storage.getStore();
    if (store) store.labels = { ...store.labels, ...labels };
  },
};

/** Keeps a caller's request id when it is a sane token, otherwise makes one. */
export function resolveRequestId(candidate: unknown): string {
  return typeof candidate === 'string' && SANE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}

/** First middleware of the app: fixes the request id, echoes it, and opens the request's context. */
export function requestContextMiddleware(request: Request, response: Response, next: NextFunction): void {
  const requestId = resolveRequestId(request.headers[REQUEST_ID_HEADER]);
  (request as Request & { id: string }).id = requestId;
  response.setHeader('X-Request-Id', requestId);
  const authorization = typeof request.headers.authorization === 'string' ? request.headers.authorization : undefined;
  const setResponseHeader = (name: string, value: string) => {
    if (!response.headersSent) response.setHeader(name, value);
  };
  storage.run({ requestId, authorization, setResponseHeader }, next);
}
