import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * The network a client address counts for: an IPv4 address as it is (an IPv4-mapped IPv6 one too), an
 * IPv6 address as its /64, since one subscriber is usually given a whole /64 and could otherwise take a
 * fresh address for every attempt.
 */
export function limitedNetwork(clientAddress: string): string {
  const mapped = IPV4_MAPPED.exec(clientAddress);
  if (mapped) return mapped[1]!;
  if (!isIPv6(clientAddress)) return clientAddress;
  return `${ipv6Groups(clientAddress).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, `::` expanded, without leading zeros (an embedded IPv4 tail counts as two). */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const groupsOf = (part: string | undefined) => (part ? part.split(':') : []);
  const left = groupsOf(head);
  const right = groupsOf(tail);
  const width = (groups: string[]) => groups.reduce((sum, group) => sum + (group.includes('.') ? 2 : 1), 0);
  const zeros = Array.from({ length: 8 - width(left) - width(right) }, () => '0');
  return [...left, ...zeros, ...right].map((group) => (group.includes('.') ? group : parseInt(group, 16).toString(16)));
}

/**
 * A counter key for these parts. Hashed: it keeps emails and addresses out of the limits table in clear
 * and gives every key the same short length, well within the table's 255 characters.
 */
export function counterKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('base64url');
}
