import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkViewerPath, originUri } from '../src/tenant-path';
import { coreFor } from './helpers/core';
import { mint, NOW } from './helpers/tokens';

describe('checkViewerPath', () => {
  it.each([
    ['/files/a', undefined],
    ['/files/a.b.c', undefined],
    ['/files/%20', undefined],
    ['/files/%E2%82%AC', undefined],
    ['/', 'empty segment'],
    ['/files/', 'empty segment'],
    ['/files//a', 'empty segment'],
    ['/files/..', 'dot segment'],
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
    expect(originUri('/tenants/{tenant}', 'acme', '/files/a')).toBe('/tenants/acme/files/a');
    expect(originUri('/data/{tenant}/v1', 'globex', '/files/a')).toBe('/data/globex/v1/files/a');
  });
});
