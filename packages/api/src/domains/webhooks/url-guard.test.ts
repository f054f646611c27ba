import { describe, expect, it } from 'vitest';
import { assertPublicUrl, forbiddenAddressReason } from './url-guard';

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

  it.each(['93.184.215.14', '172.32.0.1', '100.128.0.1', '2606:4700::6810:84e5', '203.0.113.7'])(
    'accepts the public address %s',
    (address) => {
      expect(forbiddenAddressReason(address)).toBeUndefined();
    },
  );

  it('checks IP literals in URLs, bracketed IPv6 and the WHATWG number forms included', async () => {
    await expect(assertPublicUrl('http://[::1]:8080/hook')).rejects.toThrow('::1 is a loopback address');
    await expect(assertPublicUrl('http://2130706433/hook')).rejects.toThrow('127.0.0.1 is a loopback');
    await expect(assertPublicUrl('https://0x0a.0.0.1/')).rejects.toThrow('10.0.0.1 is a private');
    await expect(assertPublicUrl('https://93.184.215.14/hook')).resolves.toBeUndefined();
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
});
