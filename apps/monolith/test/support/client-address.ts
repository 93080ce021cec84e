import { Agent } from 'node:http';

let issued = 0;
const agents = new Map<string, Agent>();

/**
 * A loopback address no other caller in this process has had. Every 127.x.y.z reaches this host, so a
 * test can call the app from as many real client addresses as it needs, without trusting any header.
 */
export function nextClientAddress(): string {
  issued += 1;
  const host = (issued % 254) + 1;
  const rest = Math.floor(issued / 254);
  return `127.${(Math.floor(rest / 256) % 255) + 1}.${rest % 256}.${host}`;
}

/** An HTTP agent whose connections leave from `address`: give it to supertest with `.agent(...)`. */
export function fromAddress(address: string): Agent {
  let agent = agents.get(address);
  if (!agent) {
    agent = new Agent({ localAddress: address });
    agents.set(address, agent);
  }
  return agent;
}
