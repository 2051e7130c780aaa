import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesResource } from '../../lib/cloudfront-signature/index';

const H = 'https://cdn.example.com';

/** Reference semantics for the property test: the same rule, spelled as a RegExp over code points. */
function referenceMatch(pattern: string, subject: string): boolean {
  const source = Array.from(pattern)
    .map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[\\^$.|+()[\]{}\-/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'u').test(subject);
}

describe('Resource wildcard matching', () => {
  it.each([
    // `*` is any run of characters, including none and including `/`: no path semantics.
    [`${H}/files/a*`, `${H}/files/abc`, true],
    [`${H}/files/a*`, `${H}/files/a`, true],
    [`${H}/files/a*`, `${H}/files/a/`, true],
    [`${H}/files/a*`, `${H}/files/a/b/c.txt`, true],
    [`${H}/files/a*`, `${H}/files/b`, false],
    [`${H}/files/a/*`, `${H}/files/abc`, false],
    [`${H}/files/*`, `${H}/files/x.txt?v=1`, true],
    [`${H}/files/*`, `${H}/files`, false],
    // `?` is exactly one character.
    [`${H}/files/a?c`, `${H}/files/abc`, true],
    [`${H}/files/a?c`, `${H}/files/a/c`, true],
    [`${H}/files/a?c`, `${H}/files/ac`, false],
    [`${H}/files/a?c`, `${H}/files/abbc`, false],
    [`${H}/f?`, `${H}/f\u{1F600}`, true],
    // The DG's own example: the query string is part of what is matched.
    [
      'http://d111111abcdef8.cloudfront.net/*game_download.zip*',
      'http://d111111abcdef8.cloudfront.net/game_download.zip',
      true,
    ],
    [
      'http://d111111abcdef8.cloudfront.net/*game_download.zip*',
      'http://d111111abcdef8.cloudfront.net/example_game_download.zip?license=yes',
      true,
    ],
    [`${H}/files/x.txt`, `${H}/files/x.txt?v=1`, false],
    ['http*://cdn.example.com/*', `${H}/a`, true],
    ['http://*', `${H}/a`, false],
    // Everything else is literal: no regex classes, no case folding, no URL normalization.
    [`${H}/a.b`, `${H}/axb`, false],
    [`${H}/[ab]`, `${H}/a`, false],
    [`${H}/[ab]`, `${H}/[ab]`, true],
    [`${H}/files/x`, 'https://CDN.example.com/files/x', false],
    [`${H}/files/%41`, `${H}/files/A`, false],
    [`${H}/files/*`, `${H}/files/../secret`, true],
    [`${H}/files/*`, `${H}/other/../files/x`, false],
    ['*', '', true],
    ['', '', true],
    ['', 'x', false],
    ['?', '', false],
    ['**?**', 'x', true],
  ])('%s ~ %s → %s', (pattern, subject, expected) => {
    expect(matchesResource(pattern, subject)).toBe(expected);
  });

  it('stays fast on patterns that make backtracking regexes explode', () => {
    const started = performance.now();
    expect(matchesResource(`${'a*'.repeat(30)}b`, 'a'.repeat(20_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a pattern without wildcards matches only itself', () => {
    const literal = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes('*') && !s.includes('?'));
    fc.assert(
      fc.property(literal, fc.string({ unit: 'grapheme', maxLength: 40 }), (pattern, subject) => {
        expect(matchesResource(pattern, pattern)).toBe(true);
        expect(matchesResource(pattern, subject)).toBe(pattern === subject);
      }),
    );
  });

  it('agrees with the reference semantics on random patterns', () => {
    const alphabet = fc.constantFrom('a', 'b', '/', '.', '?', '*', '%', '\\', '[', ']');
    const text = (max: number) => fc.array(alphabet, { maxLength: max }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(text(10), text(14), (pattern, subject) => {
        expect(matchesResource(pattern, subject)).toBe(referenceMatch(pattern, subject));
      }),
      { numRuns: 2_000 },
    );
  });
});
