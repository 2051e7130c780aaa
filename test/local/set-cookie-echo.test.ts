/** `x-local-set-cookies`: the cookies a response sets, names and attributes, never a value. */
import { describe, expect, it } from 'vitest';
import { setCookieAttributes, setCookieEcho } from '../../local/set-cookie-echo';

describe('x-local-set-cookies', () => {
  it.each<[string, [string, string][], { name: string; attributes: string }[] | undefined]>([
    ['no Set-Cookie', [['content-type', 'text/plain']], undefined],
    [
      'the login’s cookies',
      [
        ['Set-Cookie', '__Host-tenant=eyJSECRET.x.y; Path=/; Max-Age=900; Secure; HttpOnly; SameSite=Lax'],
        ['set-cookie', 'CloudFront-Policy=P0LICY; Path=/files/; Max-Age=900; Secure; HttpOnly; SameSite=Lax'],
      ],
      [
        { name: '__Host-tenant', attributes: 'Path=/; Max-Age=900; Secure; HttpOnly; SameSite=Lax' },
        { name: 'CloudFront-Policy', attributes: 'Path=/files/; Max-Age=900; Secure; HttpOnly; SameSite=Lax' },
      ],
    ],
    ['a bare pair', [['set-cookie', 'a=b']], [{ name: 'a', attributes: '' }]],
  ])('%s', (_, headers, expected) => {
    const echo = setCookieEcho(headers);
    if (expected === undefined) return expect(echo).toBeUndefined();
    expect(setCookieAttributes(headers)).toEqual(expected);
    expect(echo![0]).toBe('x-local-set-cookies');
    expect(JSON.parse(echo![1])).toEqual(expected);
    for (const secret of ['eyJSECRET', 'P0LICY', '=b']) expect(echo![1]).not.toContain(secret);
    expect(echo![1]).toMatch(/^[\x20-\x7e]*$/);
  });
});
