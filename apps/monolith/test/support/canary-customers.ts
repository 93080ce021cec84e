import { randomUUID } from 'node:crypto';
import { inCanary } from '@shop/strangler';

/** `perSide` customers the canary at `percent` sends to the service and as many it keeps on the monolith. */
export function customersAcrossTheCanary(
  bearer: (roles: string[], userId: string) => string,
  perSide: number,
  percent = 50,
): Array<{ id: string; bearer: string }> {
  const inside: string[] = [];
  const outside: string[] = [];
  while (inside.length < perSide || outside.length < perSide) {
    const id = randomUUID();
    const side = inCanary(id, percent) ? inside : outside;
    if (side.length < perSide) side.push(id);
  }
  return [...inside, ...outside].map((id) => ({ id, bearer: bearer(['customer'], id) }));
}
