import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { embeddedIpv4 } from './embedded-ipv4';

interface AddressRule {
  label: string;
  ranges: Array<[network: string, prefix: number, family: 'ipv4' | 'ipv6']>;
}

// Checked in order, so the specific metadata addresses are named before the ranges that contain them.
const RULES: AddressRule[] = [
  {
    label: 'a cloud metadata address',
    ranges: [
      ['169.254.169.254', 32, 'ipv4'],
      ['169.254.170.2', 32, 'ipv4'],
      ['100.100.100.200', 32, 'ipv4'],
      ['168.63.129.16', 32, 'ipv4'],
      ['fd00:ec2::254', 128, 'ipv6'],
    ],
  },
  {
    label: 'an unspecified address',
    ranges: [
      ['0.0.0.0', 8, 'ipv4'],
      ['::', 128, 'ipv6'],
    ],
  },
  {
    label: 'a loopback address',
    ranges: [
      ['127.0.0.0', 8, 'ipv4'],
      ['::1', 128, 'ipv6'],
    ],
  },
  {
    label: 'a private (RFC 1918) address',
    ranges: [
      ['10.0.0.0', 8, 'ipv4'],
      ['172.16.0.0', 12, 'ipv4'],
      ['192.168.0.0', 16, 'ipv4'],
    ],
  },
  { label: 'a carrier-grade NAT address', ranges: [['100.64.0.0', 10, 'ipv4']] },
  {
    label: 'a link-local address',
    ranges: [
      ['169.254.0.0', 16, 'ipv4'],
      ['fe80::', 10, 'ipv6'],
    ],
  },
  { label: 'a unique-local address', ranges: [['fc00::', 7, 'ipv6']] },
  // RFC 8215's local-use NAT64 prefix: where the IPv4 address sits depends on the local setup, so all of it.
  { label: 'a local-use NAT64 address', ranges: [['64:ff9b:1::', 48, 'ipv6']] },
  {
    label: 'a multicast or reserved address',
    ranges: [
      ['224.0.0.0', 4, 'ipv4'],
      ['240.0.0.0', 4, 'ipv4'],
      ['ff00::', 8, 'ipv6'],
    ],
  },
];

const BLOCK_LISTS = RULES.map((rule) => {
  const list = new BlockList();
  for (const [network, prefix, family] of rule.ranges) list.addSubnet(network, prefix, family);
  return { label: rule.label, list };
});

const matchingRule = (address: string, type: 'ipv4' | 'ipv6') =>
  BLOCK_LISTS.find(({ list }) => list.check(address, type))?.label;

/**
 * Why an address must not receive webhooks, or undefined when it is a public address. An IPv6 address that
 * wraps an IPv4 one (`::ffff:127.0.0.1`, `64:ff9b::7f00:1`, `2002:7f00:1::`) is judged by the IPv4 address
 * it reaches. Numeric IPv4 spellings (`2130706433`, `0x7f.1`, `127.1`) never get here: the WHATWG URL parser
 * rewrites them to dotted quads, and a resolver answers in dotted quads.
 */
export function forbiddenAddressReason(address: string): string | undefined {
  const family = isIP(address);
  if (!family) return 'not an IP address';
  if (family === 4) return matchingRule(address, 'ipv4');
  const own = matchingRule(address, 'ipv6');
  if (own) return own;
  const embedded = embeddedIpv4(address);
  if (!embedded) return undefined;
  const reached = matchingRule(embedded.ipv4, 'ipv4');
  return reached && `${reached} (${embedded.ipv4} in ${embedded.form} form)`;
}

export class UrlRefusedError extends Error {
  override name = 'UrlRefusedError';
  constructor(
    message: string,
    readonly code: 'private_address' | 'unresolvable',
  ) {
    super(message);
  }
}

export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

const resolveAll: ResolveHost = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

function refusedAddresses(hostname: string, addresses: LookupAddress[]): UrlRefusedError | undefined {
  for (const { address } of addresses) {
    const reason = forbiddenAddressReason(address);
    if (reason) {
      const shown = hostname === address ? `${address} is` : `${hostname} resolves to ${address},`;
      return new UrlRefusedError(`${shown} ${reason}, which cannot receive webhooks`, 'private_address');
    }
  }
  return undefined;
}

/**
 * The addresses a URL's host is, or resolves to, all of them checked: a loopback, private, link-local, CGNAT,
 * unique-local, unspecified or metadata address refuses the URL (merchants must not make us call our own
 * network).
 */
export async function checkedAddresses(
  url: string,
  resolve: ResolveHost = resolveAll,
): Promise<LookupAddress[]> {
  const hostname = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: LookupAddress[];
  if (isIP(hostname)) {
    addresses = [{ address: hostname, family: isIP(hostname) }];
  } else {
    try {
      addresses = await resolve(hostname);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'lookup failed';
      throw new UrlRefusedError(`${hostname} does not resolve (${code})`, 'unresolvable');
    }
  }
  if (!addresses.length) throw new UrlRefusedError(`${hostname} has no addresses`, 'unresolvable');
  const refused = refusedAddresses(hostname, addresses);
  if (refused) throw refused;
  return addresses;
}

/** Refuses a URL whose host is, or resolves to, an address that must not receive webhooks (see checkedAddresses). */
export async function assertPublicUrl(url: string, resolve: ResolveHost = resolveAll): Promise<void> {
  await checkedAddresses(url, resolve);
}

/**
 * A socket `lookup` that answers only with the given addresses (checkedAddresses' answer) and never asks DNS
 * again, so a name cannot switch to a private address between the check and the connection (DNS rebinding).
 */
export function pinnedLookup(answers: LookupAddress[]): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const addresses = family ? answers.filter((answer) => answer.family === family) : answers;
    const [first] = addresses;
    if (!first) {
      return callback(new UrlRefusedError(`${hostname} has no addresses`, 'unresolvable'), '', 0);
    }
    if (options.all) return callback(null, addresses);
    callback(null, first.address, first.family);
  };
}

/**
 * A socket `lookup` that checks the addresses it connects to, so a host that resolved to a public address
 * when checked cannot switch to a private one for the connection itself (DNS rebinding). Every answer is
 * checked, not only those of the family asked for, as `assertPublicUrl` does.
 */
export function publicOnlyLookup(resolve: ResolveHost = resolveAll): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (answers) => {
        const refused = refusedAddresses(hostname, answers);
        if (refused) return callback(Object.assign(refused, { code: 'EADDRNOTAVAIL' }), '', 0);
        pinnedLookup(answers)(hostname, options, callback);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
