/**
 * A versioned message type: `type` names what happened (`catalog.ProductCreated`), `version` its
 * payload's shape. `key` (`catalog.ProductCreated.v1`) is the routing key on the wire.
 * The payload type rides along as a phantom so publishers and handlers are checked against it.
 */
export interface MessageType<Payload> {
  readonly type: string;
  readonly version: number;
  readonly key: string;
  /** Type-level only; never set. */
  readonly __payload?: Payload;
}

export type PayloadOf<T> = T extends MessageType<infer P> ? P : never;

export function messageType<Payload>(type: string, version: number): MessageType<Payload> {
  return { type, version, key: `${type}.v${version}` };
}
