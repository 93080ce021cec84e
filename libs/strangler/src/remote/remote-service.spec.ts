import { processCounters, RpcUnavailableError, type RpcClient, type RpcRequest } from '@shop/platform';
import { FAILURES_TO_OPEN, RemoteService, SHED_COUNTER, ServiceUnavailableError } from './remote-service.js';

/** A request-reply client whose calls stay unanswered until the test answers them (or they time out, as the real one's). */
class HeldRpc {
  readonly sent: Array<{ request: RpcRequest; timeoutMs: number; answer: () => void }> = [];

  call<Reply>(_service: string, request: RpcRequest, timeoutMs: number): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new RpcUnavailableError('no answer', 'timeout', Date.now())), timeoutMs);
      this.sent.push({
        request,
        timeoutMs,
        answer: () => {
          clearTimeout(timer);
          resolve({ ok: true, value: request.route } as Reply);
        },
      });
    });
  }
}

const MESSAGE = { route: 'probe.Get.v1', payload: {} };

function remoteService(rpc: HeldRpc, options: { maxInFlight: number; maxQueued: number; timeoutMs?: number }): RemoteService {
  return new RemoteService('probe', 'probe-service', rpc as unknown as RpcClient, { timeoutMs: 1000, cooldownMs: 1000, ...options });
}

const settled = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );

describe('RemoteService bulkhead', () => {
  it('sends at most maxInFlight calls, queues maxQueued, and refuses the next at once as not sent (counted)', async () => {
    const rpc = new HeldRpc();
    const remote = remoteService(rpc, { maxInFlight: 2, maxQueued: 1 });
    const before = processCounters.total(SHED_COUNTER, { service: 'probe-service', reason: 'full' });

    const calls = [1, 2, 3].map(() => settled(remote.call(MESSAGE, {})));
    const started = performance.now();
    const refused = await settled(remote.call(MESSAGE, {}));
    const refusedAfterMs = performance.now() - started;

    expect(refused.error).toBeInstanceOf(ServiceUnavailableError);
    expect((refused.error as ServiceUnavailableError).deadline).toBeUndefined(); // never sent: certainly not applied
    expect(refusedAfterMs).toBeLessThan(250); // at once: not after waiting out the 1 s timeout
    expect(rpc.sent).toHaveLength(2);
    expect(remote.bulkheadState()).toMatchObject({ inFlight: 2, queued: 1, peakInFlight: 2, shed: 1 });
    expect(processCounters.total(SHED_COUNTER, { service: 'probe-service', reason: 'full' })).toBe(before + 1);

    rpc.sent[0]!.answer();
    await new Promise((resolve) => setImmediate(resolve));
    expect(rpc.sent).toHaveLength(3); // the queued call took the freed slot
    rpc.sent[1]!.answer();
    rpc.sent[2]!.answer();
    expect((await Promise.all(calls)).map(({ value }) => value)).toEqual([
      { ok: true, value: MESSAGE.route },
      { ok: true, value: MESSAGE.route },
      { ok: true, value: MESSAGE.route },
    ]);
    expect(remote.bulkheadState()).toMatchObject({ inFlight: 0, queued: 0, peakInFlight: 2 });
  });

  it("counts a queued call's wait against its timeout: it is sent with what is left, or not at all", async () => {
    const rpc = new HeldRpc();
    const remote = remoteService(rpc, { maxInFlight: 1, maxQueued: 2, timeoutMs: 300 });
    const first = settled(remote.call(MESSAGE, {}));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = settled(remote.call(MESSAGE, {}));
    const started = performance.now();

    // The first call times out after 300 ms; the second, 100 ms later in the queue, is sent with about 100 ms left.
    expect((await first).error).toBeInstanceOf(ServiceUnavailableError);
    await new Promise((resolve) => setImmediate(resolve));
    expect(rpc.sent).toHaveLength(2);
    expect(rpc.sent[1]!.timeoutMs).toBeLessThanOrEqual(200);
    expect(rpc.sent[1]!.timeoutMs).toBeGreaterThan(50);
    expect((await second).error).toBeInstanceOf(ServiceUnavailableError);
    // Nobody waited longer than the timeout from arrival (plus a timer's slack).
    expect(performance.now() - started).toBeLessThan(300 + 50);
  });

  it('does not send a queued call whose turn came when too little of its timeout was left', async () => {
    const rpc = new HeldRpc();
    const remote = remoteService(rpc, { maxInFlight: 1, maxQueued: 1, timeoutMs: 200 });
    const first = settled(remote.call(MESSAGE, {}));
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Queued behind a call that holds the only slot for its whole 200 ms: its turn comes with about 10 ms left.
    const late = await settled(remote.call(MESSAGE, {}));
    await first;

    expect(late.error).toBeInstanceOf(ServiceUnavailableError);
    expect((late.error as ServiceUnavailableError).deadline).toBeUndefined();
    expect(rpc.sent).toHaveLength(1);
    expect(remote.bulkheadState().shed).toBe(1);
  });
});

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
    const remote = new RemoteService('ordering', 'order-service', rpc as unknown as RpcClient, {
      timeoutMs: 1000,
      cooldownMs: 60_000,
      maxInFlight: 8,
      maxQueued: 8,
    });
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
