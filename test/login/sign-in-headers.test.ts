/** What a Node client sends to sign in behind origin access control: the identity header and the body's SHA-256. */
import { describe, expect, it } from 'vitest';
import { LOGIN_DEFAULTS } from '../../config/login';
import { contentSha256, signInHeaders } from '../../login/sign-in-headers';

describe('sign-in headers', () => {
  it.each([
    // FIPS 180-2 test vectors.
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ])('x-amz-content-sha256 of %j is %s', (body, hex) => {
    expect(contentSha256(body)).toBe(hex);
  });

  it('hashes the body as UTF-8 bytes, as crypto.subtle.digest over TextEncoder output does', async () => {
    const body = '{"name":"Zoë"}';
    const subtle = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body))).toString('hex');
    expect(contentSha256(body)).toBe(subtle);
  });

  it.each<[string, string | undefined, string, Record<string, string>]>([
    [
      'a body in the dedicated header',
      '{"bindIp":true}',
      'x-identity-token',
      {
        'x-identity-token': 'T',
        'x-amz-content-sha256': contentSha256('{"bindIp":true}'),
        'content-type': 'application/json',
      },
    ],
    [
      'no body: the empty body’s hash',
      undefined,
      'x-identity-token',
      { 'x-identity-token': 'T', 'x-amz-content-sha256': contentSha256('') },
    ],
    [
      'authorization (no origin access control): Bearer',
      undefined,
      'authorization',
      { authorization: 'Bearer T', 'x-amz-content-sha256': contentSha256('') },
    ],
  ])('%s', (_name, body, header, expected) => {
    expect(signInHeaders('T', body, header)).toEqual(expected);
  });

  it('defaults to the configuration’s default identity header', () => {
    expect(Object.keys(signInHeaders('T'))[0]).toBe(LOGIN_DEFAULTS.tokenHeader);
  });
});
