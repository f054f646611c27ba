import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret, SecretBoxError } from './secret-box';

describe('secret box', () => {
  const key = randomBytes(32);

  it('seals into the versioned v1:<iv>:<tag>:<ciphertext> format and opens again', () => {
    const sealed = sealSecret(key, 'whsec_top-secret');
    expect(sealed).toMatch(/^v1:[\w-]{16}:[\w-]{22}:[\w-]+$/);
    expect(sealed).not.toContain('top-secret');
    expect(openSecret(key, sealed)).toBe('whsec_top-secret');
  });

  it('uses a fresh IV every time, so equal secrets do not look equal at rest', () => {
    expect(sealSecret(key, 'same')).not.toBe(sealSecret(key, 'same'));
  });

  it('refuses a wrong key, a tampered ciphertext and a malformed value', () => {
    const sealed = sealSecret(key, 'whsec_abc');
    expect(() => openSecret(randomBytes(32), sealed)).toThrow(SecretBoxError);
    const [version, iv, tag, ciphertext] = sealed.split(':');
    const flipped = Buffer.from(ciphertext!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => openSecret(key, [version, iv, tag, flipped.toString('base64url')].join(':'))).toThrow(
      'wrong key or tampered',
    );
    expect(() => openSecret(key, 'v2:a:b:c')).toThrow('not a v1 sealed secret');
    expect(() => openSecret(key, 'v1:AAAA:AAAA:AAAA')).toThrow('malformed');
  });

  it('insists on a 32-byte key', () => {
    expect(() => sealSecret(randomBytes(16), 'x')).toThrow('32 bytes');
  });
});
