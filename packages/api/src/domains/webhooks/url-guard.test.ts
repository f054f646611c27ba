import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedIpv4 } from './embedded-ipv4';
import { postJson } from './http-post';
import { postSignedWebhook } from './signed-post';
import { endpointAgent } from './connections';
import {
  assertPublicUrl,
  checkedAddresses,
  forbiddenAddressReason,
  pinnedLookup,
  publicOnlyLookup,
  type ResolveHost,
} from './url-guard';

const answers =
  (...addresses: string[]): ResolveHost =>
  () =>
    Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

describe('webhook URL guard', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['169.254.10.10', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fd12:3456::1', 'unique-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.169.254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:7f00:1', 'loopback'],
    ['224.0.0.1', 'multicast'],
  ])('refuses %s (%s)', (address, kind) => {
    expect(forbiddenAddressReason(address)).toContain(kind);
  });

  it.each([
    ['::7f00:1', 'loopback', '127.0.0.1 in IPv4-compatible form'],
    ['::127.0.0.1', 'loopback', '127.0.0.1 in IPv4-compatible form'],
    ['::ffff:127.0.0.1', 'loopback', ''],
    ['::ffff:0:a00:1', 'private', '10.0.0.1 in IPv4-translated form'],
    ['64:ff9b::7f00:1', 'loopback', '127.0.0.1 in NAT64 form'],
    ['64:ff9b::192.168.0.1', 'private', '192.168.0.1 in NAT64 form'],
    ['2002:7f00:1::', 'loopback', '127.0.0.1 in 6to4 form'],
    ['2002:a9fe:a9fe:1::1', 'metadata', '169.254.169.254 in 6to4 form'],
    ['2002:6440:1::', 'carrier-grade NAT', '100.64.0.1 in 6to4 form'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback', '127.0.0.1 in Teredo form'],
    ['64:ff9b::e000:1', 'multicast', '224.0.0.1 in NAT64 form'],
    ['::0.0.0.7', 'unspecified', '0.0.0.7 in IPv4-compatible form'],
    ['64:ff9b:1::a00:1', 'local-use NAT64', ''],
  ])('refuses %s, an IPv6 form of a %s address', (address, kind, form) => {
    expect(forbiddenAddressReason(address)).toContain(kind);
    expect(forbiddenAddressReason(address)).toContain(form);
  });

  it('reads the IPv4 address each embedding reaches, and none from a plain IPv6 address', () => {
    expect(embeddedIpv4('::ffff:5db8:d70e')).toEqual({ ipv4: '93.184.215.14', form: 'IPv4-mapped' });
    expect(embeddedIpv4('64:ff9b::93.184.215.14')).toEqual({ ipv4: '93.184.215.14', form: 'NAT64' });
    expect(embeddedIpv4('2002:5db8:d70e:12::34')).toEqual({ ipv4: '93.184.215.14', form: '6to4' });
    expect(embeddedIpv4('2606:4700::6810:84e5')).toBeUndefined();
    expect(embeddedIpv4('fe80::1%eth0')).toBeUndefined();
    expect(embeddedIpv4('127.0.0.1')).toBeUndefined();
  });

  it.each([
    '93.184.215.14',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::6810:84e5',
    '203.0.113.7',
    '::ffff:93.184.215.14',
    '64:ff9b::5db8:d70e',
    '2002:5db8:d70e::1',
  ])('accepts the public address %s', (address) => {
    expect(forbiddenAddressReason(address)).toBeUndefined();
  });

  it('checks IP literals in URLs, bracketed IPv6 and the WHATWG number forms included', async () => {
    await expect(assertPublicUrl('http://[::1]:8080/hook')).rejects.toThrow('::1 is a loopback address');
    await expect(assertPublicUrl('http://2130706433/hook')).rejects.toThrow('127.0.0.1 is a loopback');
    await expect(assertPublicUrl('https://0x0a.0.0.1/')).rejects.toThrow('10.0.0.1 is a private');
    await expect(assertPublicUrl('https://93.184.215.14/hook')).resolves.toBeUndefined();
  });

  it.each([
    ['http://[::127.0.0.1]/hook', '::7f00:1 is a loopback address (127.0.0.1 in IPv4-compatible form)'],
    ['http://[::ffff:127.0.0.1]/hook', '::ffff:7f00:1 is a loopback address'],
    ['http://[::ffff:7f00:1]/hook', '::ffff:7f00:1 is a loopback address'],
    ['http://[64:ff9b::7f00:1]/hook', '64:ff9b::7f00:1 is a loopback address (127.0.0.1 in NAT64 form)'],
    ['http://[2002:7f00:1::]/hook', '2002:7f00:1:: is a loopback address (127.0.0.1 in 6to4 form)'],
    ['http://0x7f.1/hook', '127.0.0.1 is a loopback'],
    ['http://127.1/hook', '127.0.0.1 is a loopback'],
    ['http://0177.0.0.1/hook', '127.0.0.1 is a loopback'],
    ['http://017700000001/hook', '127.0.0.1 is a loopback'],
    ['http://0/hook', '0.0.0.0 is an unspecified'],
    ['http://0xa9.0xfe.0xa9.0xfe/latest', '169.254.169.254 is a cloud metadata'],
  ])('refuses %s by the address it really reaches', async (url, message) => {
    await expect(assertPublicUrl(url, answers('93.184.215.14'))).rejects.toMatchObject({
      code: 'private_address',
      message: expect.stringContaining(message),
    });
  });

  it('refuses a name whose DNS answer is an IPv4-embedding IPv6 address', async () => {
    await expect(
      assertPublicUrl('https://shop.example/hook', answers('93.184.215.14', '64:ff9b::a9fe:a9fe')),
    ).rejects.toThrow('shop.example resolves to 64:ff9b::a9fe:a9fe, a cloud metadata address');
  });

  it('refuses a host when any of its addresses is private, and a host that does not resolve', async () => {
    const resolver = (addresses: string[]) => () =>
      Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
    await expect(
      assertPublicUrl('https://shop.example/hook', resolver(['93.184.215.14', '10.0.0.8'])),
    ).rejects.toMatchObject({
      code: 'private_address',
      message:
        'shop.example resolves to 10.0.0.8, a private (RFC 1918) address, which cannot receive webhooks',
    });
    await expect(
      assertPublicUrl('https://shop.example/hook', resolver(['93.184.215.14', '2606:4700::1'])),
    ).resolves.toBeUndefined();
    const notFound = () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' }));
    await expect(assertPublicUrl('https://shop.example/hook', notFound)).rejects.toMatchObject({
      code: 'unresolvable',
      message: 'shop.example does not resolve (ENOTFOUND)',
    });
  });

  it('resolves real names with the system resolver: localhost is loopback', async () => {
    await expect(assertPublicUrl('http://localhost:3000/hook')).rejects.toThrow(
      /localhost resolves to .*loopback/,
    );
  });

  describe('at connection time', () => {
    let server: Server;
    let port: number;
    const received: string[] = [];
    let connections = 0;
    beforeAll(async () => {
      server = createServer((req, res) => {
        received.push(req.headers.host ?? '');
        res.end('ok');
      });
      server.on('connection', () => (connections += 1));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const post = (host: string, resolve: ResolveHost) =>
      postJson(new URL(`http://${host}:${port}/hook`), {
        body: '{}',
        headers: { 'content-type': 'application/json' },
        timeoutMs: 2_000,
        lookup: publicOnlyLookup(resolve),
      });

    it('refuses a name that answered a public address when saved but answers loopback now (rebinding)', async () => {
      received.length = 0;
      // The name was checked when saved (public) and now answers loopback, as a rebinding resolver would.
      await expect(
        assertPublicUrl('http://rebind.test/hook', answers('93.184.215.14')),
      ).resolves.toBeUndefined();
      await expect(post('rebind.test', answers('127.0.0.1'))).rejects.toThrow(
        'rebind.test resolves to 127.0.0.1, a loopback address',
      );
      await expect(post('rebind.test', answers('::ffff:127.0.0.1'))).rejects.toThrow('loopback');
      expect(received).toEqual([]);
      // The same connection through a lookup that lets loopback through does reach the server.
      const open = postJson(new URL(`http://rebind.test:${port}/hook`), {
        body: '{}',
        headers: {},
        timeoutMs: 2_000,
        lookup: (_hostname, options, callback) =>
          options.all
            ? callback(null, [{ address: '127.0.0.1', family: 4 }])
            : callback(null, '127.0.0.1', 4),
      });
      await expect(open).resolves.toMatchObject({ statusCode: 200 });
      expect(received).toEqual([`rebind.test:${port}`]);
    });

    it('keeps a connection pinned to the checked addresses, never resolving the name again', async () => {
      received.length = 0;
      connections = 0;
      const checked = await checkedAddresses(
        'http://pinned.test/hook',
        answers('93.184.215.14', '2606:4700::1'),
      );
      expect(checked.map((a) => a.address)).toEqual(['93.184.215.14', '2606:4700::1']);
      const only = (family: number) =>
        new Promise((resolve) =>
          pinnedLookup(checked)('pinned.test', { family }, (_error, address) => resolve(address)),
        );
      expect(await only(6)).toBe('2606:4700::1');
      expect(await only(4)).toBe('93.184.215.14');
      // pinned.test resolves nowhere: the request reaches the server only through the pinned answer.
      const url = new URL(`http://pinned.test:${port}/hook`);
      const agent = endpointAgent('pinned-endpoint', {
        url,
        target: '127.0.0.1',
        lookup: pinnedLookup([{ address: '127.0.0.1', family: 4 }]),
        maxSockets: 1,
      });
      for (let i = 0; i < 3; i += 1) {
        await expect(
          postJson(url, { body: '{}', headers: {}, timeoutMs: 2_000, agent }),
        ).resolves.toMatchObject({
          statusCode: 200,
        });
      }
      expect(received).toEqual(Array(3).fill(`pinned.test:${port}`));
      expect(connections).toBe(1);
      agent.destroy();
    });

    it('refuses delivery to a name the system resolves to loopback unless private URLs are allowed', async () => {
      received.length = 0;
      const deliver = (allowPrivateUrls: boolean) =>
        postSignedWebhook({
          url: `http://localhost:${port}/hook`,
          messageId: 'msg_1',
          body: '{}',
          secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
          allowPrivateUrls,
        });
      const refused = await deliver(false);
      expect(refused).toMatchObject({
        statusCode: null,
        transportError: expect.stringContaining('loopback'),
      });
      expect(received).toEqual([]);
      expect(await deliver(true)).toMatchObject({ statusCode: 200, transportError: null });
      expect(received).toHaveLength(1);
    });
  });
});
