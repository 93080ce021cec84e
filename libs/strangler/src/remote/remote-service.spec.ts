import { RpcUnavailableError, type RpcClient } from '@shop/platform';
import { FAILURES_TO_OPEN, RemoteService, ServiceUnavailableError } from './remote-service.js';

/** A request-reply client whose service answers, or has gone away, as the test says. */
class SwitchableRpc implements Pick<RpcClient, 'call'> {
  away = false;

  async call<T>(): Promise<T> {
    if (this.away) throw new RpcUnavailableError('order-service did not answer', 'disconnected');
    return { ok: true, value: 'answered' } as T;
  }
}

describe('RemoteService circuit', () => {
  it(`is closed while the service answers, and open after ${FAILURES_TO_OPEN} unavailable answers in a row`, async () => {
    const rpc = new SwitchableRpc();
    const remote = new RemoteService('ordering', 'order-service', rpc as unknown as RpcClient, 1000, 60_000);
    const call = () => remote.call({ route: 'ordering.GetOrder.v1', payload: {} }, {});

    await expect(call()).resolves.toEqual({ ok: true, value: 'answered' });
    expect(remote.circuit).toBe('closed');

    rpc.away = true;
    for (let i = 1; i < FAILURES_TO_OPEN; i += 1) await expect(call()).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(remote.circuit).toBe('closed');
    await expect(call()).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(remote.circuit).toBe('open');

    rpc.away = false; // answering again, but the open circuit refuses calls until its cooldown is over
    await expect(call()).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(remote.circuit).toBe('open');
  });
});
