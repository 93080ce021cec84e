import type { MessageEnvelope, MessageType } from '@shop/contracts';
import type { Transaction } from './unit-of-work.js';

const HANDLED_EVENTS = Symbol('integration-event-handlers');

export interface HandlerBinding {
  type: MessageType<unknown>;
  method: string;
  /** The handler's name on the wire: its inbox key, e.g. `catalog.reserve-stock-on-order-placed`. */
  handler: string;
}

/** The signature of a method decorated with @OnIntegrationEvent(SomeEventV1, 'context.handler-name'). */
export type IntegrationEventHandler<Payload> = (payload: Payload, tx: Transaction, envelope: MessageEnvelope<Payload>) => Promise<void>;

/**
 * Marks a method of a consumer class as the handler of one integration event. It runs inside the
 * consuming context's transaction, together with the inbox row that makes a redelivery a no-op.
 * `handler` is the name that row records: explicit and stable, so renaming a class or a method
 * during a rolling deploy never makes a redelivered message look new (`<context>.<what-it-does>`).
 */
export function OnIntegrationEvent<Payload>(type: MessageType<Payload>, handler: string) {
  return <K extends string>(target: { [key in K]: IntegrationEventHandler<Payload> }, method: K): void => {
    const bindings: HandlerBinding[] = Reflect.getMetadata(HANDLED_EVENTS, target) ?? [];
    Reflect.defineMetadata(HANDLED_EVENTS, [...bindings, { type, method, handler }], target);
  };
}

export function handlerBindingsOf(instance: object): HandlerBinding[] {
  return Reflect.getMetadata(HANDLED_EVENTS, Object.getPrototypeOf(instance)) ?? [];
}
