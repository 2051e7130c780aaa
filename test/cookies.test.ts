import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cookieValues, withoutCookie } from '../src/cookies';

const NAME = '__Host-tenant';

/** The plain reading of RFC 6265 §5.2: split on `;`, trim name and value. The scanner must agree. */
function reference(headers: string[], name: string): { values: string[]; rest: string[] } {
  const values: string[] = [];
  const rest = headers.map((h) => {
    const kept: string[] = [];
    for (const raw of h.split(';')) {
      const pair = raw.replace(/^[ \t]+|[ \t]+$/g, '');
      const eq = pair.indexOf('=');
      if (eq !== -1 && pair.slice(0, eq).replace(/^[ \t]+|[ \t]+$/g, '') === name) {
        values.push(pair.slice(eq + 1).replace(/^[ \t]+|[ \t]+$/g, ''));
        continue;
      }
      if (pair !== '') kept.push(pair);
    }
    return kept.join('; ');
  });
  return { values, rest };
}

describe('cookies', () => {
  it.each([
    [['a=1; __Host-tenant=T; b=2'], ['T'], ['a=1; b=2']],
    [['__Host-tenant=T'], ['T'], ['']],
    [['__Host-tenant=T;a=1'], ['T'], ['a=1']],
    [['a=1;__Host-tenant=T'], ['T'], ['a=1']],
    [['  __Host-tenant  =  T  ; a=1'], ['T'], ['a=1']],
    [['x__Host-tenant=T; __Host-tenantx=U'], [], ['x__Host-tenant=T; __Host-tenantx=U']],
    [['a=__Host-tenant=T'], [], ['a=__Host-tenant=T']],
    [['__host-tenant=T'], [], ['__host-tenant=T']],
    [['__Host-tenant=T; __Host-tenant=U'], ['T', 'U'], ['']],
    [['__Host-tenant=', 'a=1'], [''], ['', 'a=1']],
    [['__Host-tenant'], [], ['__Host-tenant']],
  ])('%j → values %j, forwarded %j', (headers, values, rest) => {
    expect(cookieValues(headers, NAME)).toEqual(values);
    expect(headers.map((h) => withoutCookie(h, NAME))).toEqual(rest);
  });

  it('property: agrees with the split-and-trim reading of RFC 6265', () => {
    const piece = fc.constantFrom('__Host-tenant', '__Host-', 'tenant', 'a', '=', ';', ' ', '\t', 'T', 'x', '; ', '=v');
    const header = fc.array(piece, { maxLength: 14 }).map((p) => p.join(''));
    fc.assert(
      fc.property(fc.array(header, { minLength: 1, maxLength: 3 }), (headers) => {
        const expected = reference(headers, NAME);
        expect(cookieValues(headers, NAME)).toEqual(expected.values);
        // Forwarded headers hold the same other pairs (separators normalized).
        const norm = (h: string) => reference([h], '\u0000').rest[0];
        expect(headers.map((h) => norm(withoutCookie(h, NAME)))).toEqual(expected.rest.map(norm));
      }),
      { numRuns: 5000 },
    );
  });
});
