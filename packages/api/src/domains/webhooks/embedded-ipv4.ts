import { isIPv6 } from 'node:net';

/** The eight 16-bit groups of a valid IPv6 address; a dotted IPv4 tail counts as the last two. */
function ipv6Groups(address: string): number[] {
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (part: string | undefined) =>
    part ? part.split(':').map((group) => parseInt(group, 16)) : [];
  const [head, tail] = text.split('::');
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

export interface EmbeddedIpv4 {
  ipv4: string;
  /** The IPv6 form that carries it, for the refusal message. */
  form: string;
}

/**
 * The IPv4 address an IPv6 address really reaches when it only wraps one: IPv4-mapped and -translated
 * addresses are IPv4 sockets, IPv4-compatible ones are routed as IPv4 by old stacks, NAT64 (RFC 6052's
 * well-known prefix) is translated to it, and 6to4 and Teredo tunnel to it. Undefined for a plain IPv6 address.
 */
export function embeddedIpv4(address: string): EmbeddedIpv4 | undefined {
  if (!isIPv6(address)) return undefined;
  const groups = ipv6Groups(address);
  const at = (index: number) => groups[index] ?? 0;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  const ipv4 = (high: number, low: number) => [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  const last32 = ipv4(at(6), at(7));
  if (zeros(0, 5) && at(5) === 0xffff) return { ipv4: last32, form: 'IPv4-mapped' };
  if (zeros(0, 4) && at(4) === 0xffff && at(5) === 0) return { ipv4: last32, form: 'IPv4-translated' };
  if (zeros(0, 6)) return { ipv4: last32, form: 'IPv4-compatible' };
  if (at(0) === 0x64 && at(1) === 0xff9b && zeros(2, 6)) return { ipv4: last32, form: 'NAT64' };
  if (at(0) === 0x2002) return { ipv4: ipv4(at(1), at(2)), form: '6to4' };
  // Teredo carries the client's address bit-inverted in the last 32 bits.
  if (at(0) === 0x2001 && at(1) === 0)
    return { ipv4: ipv4(~at(6) & 0xffff, ~at(7) & 0xffff), form: 'Teredo' };
  return undefined;
}
