import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkViewerPath, originPrefixParts, originUri, scanViewerPath } from '../src/tenant-path';
import { coreFor } from './helpers/core';
import { mint, NOW } from './helpers/tokens';

describe('checkViewerPath', () => {
  it.each([
    ['/files/a', undefined],
    ['/files/a.b.c', undefined],
    ['/files/%20', undefined],
    ['/files/%E2%82%AC', undefined],
    ['/', 'empty or dot segment'],
    ['/files/', 'empty or dot segment'],
    ['/files//a', 'empty or dot segment'],
    ['/files/..', 'empty or dot segment'],
    ['/files/a b', 'not printable ASCII'],
    ['/files/a\\b', 'backslash, ? or #'],
    ['/files/a%2', 'bad escape'],
    ['/files/%00', 'encoded control'],
    ['/files/%e2%80%a8', 'control after decoding'],
    ['', 'no leading /'],
    ['/' + 'a'.repeat(1024), 'too long'],
    ['/files/%2e', 'encoded / \\ . or %'],
    ['/files/%c3', 'not UTF-8'],
    ['/files/%c2%9f', 'control after decoding'],
    ['x', 'no leading /'],
  ])('%j → %s', (uri, problem) => {
    expect(checkViewerPath(uri)).toBe(problem);
  });
});

// Segments made of anything: letters, dots, slashes, percent signs, escapes of every byte, controls.
const segmentChar = fc.oneof(
  fc.constantFrom('a', 'b', '.', '/', '\\', '%', '-', '_', '~', ' ', '\t', '?', '#', 'é'),
  fc.integer({ min: 0, max: 255 }).map((b) => '%' + b.toString(16).padStart(2, '0')),
  fc.integer({ min: 0, max: 255 }).map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')),
  fc.constantFrom('%2e', '%2E', '%2f', '%5c', '%25', '%c0%ae', '%e2%80%ae', '%'),
);
const viewerPath = fc.array(segmentChar, { maxLength: 24 }).map((parts) => '/files/' + parts.join(''));

describe('property: whatever is forwarded lies under the verified tenant prefix', () => {
  const { gate, keys } = coreFor();
  const tenants = ['acme', 'globex', 'a', 'x-1'];

  it('forwards only plain paths under /tenants/<tenant>/, with no dot or empty segment', () => {
    fc.assert(
      fc.property(viewerPath, fc.constantFrom(...tenants), (uri, tenant) => {
        const decision = gate.decide(
          {
            method: 'GET',
            uri,
            tokenCookies: [mint({ claims: { tid: tenant } })],
            linkTokens: [],
            viewerIp: '192.0.2.1',
            header: () => undefined,
          },
          keys,
          NOW,
        );
        if (decision.action !== 'forward') return;
        const prefix = `/tenants/${tenant}/`;
        expect(decision.uri.startsWith(prefix)).toBe(true);
        expect(decision.tenant).toBe(tenant);
        for (const form of [decision.uri, decodeURIComponent(decision.uri)]) {
          const segments = form.split('/').slice(1);
          expect(segments.every((s) => s !== '' && s !== '.' && s !== '..')).toBe(true);
          expect(form).not.toMatch(/[\\\x00-\x1f\x7f]/);
          // Decoding adds no separator: the segment count is the same before and after.
          expect(form.split('/').length).toBe(decision.uri.split('/').length);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('never lets the path choose the tenant', () => {
    fc.assert(
      fc.property(fc.constantFrom('globex', '../globex', '%2e%2e/globex', 'tenants/globex'), (hostile) => {
        const uri = `/files/${hostile}/x`;
        const decision = gate.decide(
          { method: 'GET', uri, tokenCookies: [mint()], linkTokens: [], viewerIp: '', header: () => 'globex' },
          keys,
          NOW,
        );
        if (decision.action === 'forward') expect(decision.uri.startsWith('/tenants/acme/files/')).toBe(true);
      }),
    );
  });

  it('originUri fills the tenant into the prefix', () => {
    expect(originUri(originPrefixParts('/tenants/{tenant}'), 'acme', '/files/a')).toBe('/tenants/acme/files/a');
    expect(originUri(originPrefixParts('/data/{tenant}/v1'), 'globex', '/files/a')).toBe('/data/globex/v1/files/a');
    // A tenant is inserted as it is: `$&` would be a pattern in a replacement string.
    expect(originUri(originPrefixParts('/t/{tenant}'), 'a$&b', '/files/a')).toBe('/t/a$&b/files/a');
  });
});

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** The path rules as a character-by-character scan: the oracle the expressions of src/tenant-path.ts answer to. */
function referenceScan(uri: string): string | undefined {
  const length = uri.length;
  if (length === 0 || uri.charCodeAt(0) !== 47) return 'no leading /';
  if (length > 1024) return 'too long';
  let escaped = false;
  let segmentStart = 1;
  for (let i = 1; i <= length; i++) {
    const c = i < length ? uri.charCodeAt(i) : 47;
    if (c === 47) {
      const size = i - segmentStart;
      if (size === 0) return 'empty segment';
      if (size <= 2 && uri.charCodeAt(segmentStart) === 46 && (size === 1 || uri.charCodeAt(segmentStart + 1) === 46)) {
        return 'dot segment';
      }
      segmentStart = i + 1;
      continue;
    }
    // Printable ASCII only; backslash, `?` and `#` have no place in a CloudFront uri field.
    if (c < 0x21 || c > 0x7e) return 'not printable ASCII';
    if (c === 92) return 'backslash';
    if (c === 63 || c === 35) return '? or #';
    if (c === 37) {
      if (i + 2 >= length) return 'bad escape';
      const hi = hexValue(uri.charCodeAt(i + 1));
      const lo = hexValue(uri.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return 'bad escape';
      const byte = hi * 16 + lo;
      if (byte === 47 || byte === 92 || byte === 46 || byte === 37) return 'encoded / \\ . or %';
      if (byte < 0x20 || byte === 0x7f) return 'encoded control';
      escaped = true;
      i += 2;
    }
  }
  if (!escaped) return undefined;
  let decoded: string;
  try {
    // Throws URIError on any byte sequence that is not valid UTF-8 (overlong forms, surrogates included).
    decoded = decodeURIComponent(uri);
  } catch (_error) {
    return 'not UTF-8';
  }
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    // C1 controls and the line/paragraph separators are as dangerous in logs and keys as C0 ones.
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 92) {
      return 'control after decoding';
    }
  }
  const segments = decoded.split('/');
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === '' || segment === '.' || segment === '..') return 'dot after decoding';
  }
  return undefined;
}

describe('property: the fast path of checkViewerPath never changes a verdict', () => {
  const plainChar = fc.constantFrom(...'abcXYZ019.-_~!$&\'()*+,;=:@[]^`{|}"<>'.split(''));
  const plainPath = fc
    .array(fc.array(plainChar, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 30 })
    .map((segments) => '/' + segments.map((s) => s.join('')).join('/'));
  it('agrees with the full scan on plain paths, hostile paths and long ones', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          plainPath,
          viewerPath,
          fc.string({ maxLength: 1100 }).map((s) => '/' + s),
        ),
        (uri) => {
          expect(checkViewerPath(uri)).toBe(scanViewerPath(uri));
          // The expressions refuse exactly what the character-by-character scan refuses.
          expect(scanViewerPath(uri) === undefined).toBe(referenceScan(uri) === undefined);
        },
      ),
      { numRuns: 5000 },
    );
  });
  it.each([['/files/a' + 'b'.repeat(1020)], ['/files/.'], ['/files/..'], ['/files/...'], ['/files/.a/..b']])(
    '%j',
    (uri) => expect(checkViewerPath(uri)).toBe(scanViewerPath(uri)),
  );
});
