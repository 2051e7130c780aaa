import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCloudFrontBase64, encodeCloudFrontBase64 } from '../../lib/cloudfront-signature/index';

describe('CloudFront base64 (+→-, =→_, /→~)', () => {
  it.each([
    ['', ''],
    ['a', 'YQ__'],
    ['ab', 'YWI_'],
    ['abc', 'YWJj'],
    ['\u00fb\u00ff', 'w7vDvw__'],
    ['>>>???', 'Pj4-Pz8~'],
    ['\u00fb\u00ef\u00be', 'w7vDr8K-'],
  ])('encodes %j as %s', (text, encoded) => {
    expect(encodeCloudFrontBase64(text)).toBe(encoded);
    if (encoded !== '') expect(Buffer.from(decodeCloudFrontBase64(encoded) ?? []).toString('utf8')).toBe(text);
  });

  it.each([
    ['empty', ''],
    ['length not a multiple of 4', 'YWJ'],
    ['unpadded', 'YQ'],
    ['standard base64 alphabet', 'Pj4/Pz8/'],
    ['standard padding', 'YQ=='],
    ['base64url alphabet (_ is padding here)', 'ab_c'],
    ['padding in the middle', 'YQ__YWJj'],
    ['three padding characters', 'Y___'],
    ['non-zero unused bits (second spelling of "a")', 'YR__'],
    ['whitespace', 'YWJj YWJj'],
    ['newline', 'YWJj\nYWJj'],
    ['percent-encoded', 'YWJ%6A'],
  ])('refuses %s', (_label, text) => {
    expect(decodeCloudFrontBase64(text)).toBeUndefined();
  });

  it('round-trips any bytes and decodes only the canonical spelling', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (bytes) => {
        const encoded = encodeCloudFrontBase64(bytes);
        expect(encoded).toMatch(/^[A-Za-z0-9~_-]+$/);
        expect(decodeCloudFrontBase64(encoded)).toEqual(bytes);
      }),
    );
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), (text) => {
        const decoded = decodeCloudFrontBase64(text);
        if (decoded !== undefined) expect(encodeCloudFrontBase64(decoded)).toBe(text);
      }),
    );
  });
});
