import { describe, expect, it } from 'vitest';
import { diffDistributionConfigs, formatFieldChange, summarize } from '../../deploy/config-diff';
import { loadDistributionConfig } from '../helpers/distribution-config';

const load = loadDistributionConfig;
const FIXTURE_NAMES = ['plain', 'attached', 'gate-at-origin-request', 'misconfigured-cache', 'misconfigured-routing'];

describe('diffDistributionConfigs', () => {
  it.each(FIXTURE_NAMES)('is empty for %s against itself', (name) => {
    expect(diffDistributionConfigs(load(name), load(name))).toEqual([]);
  });

  it.each(FIXTURE_NAMES.flatMap((a) => FIXTURE_NAMES.filter((b) => b !== a).map((b) => [a, b])))(
    'is not empty between %s and %s',
    (a, b) => {
      expect(diffDistributionConfigs(load(a), load(b)).length).toBeGreaterThan(0);
    },
  );

  it('names the behavior, the field, before and after; removed behaviors and a new order', () => {
    const before = load('attached');
    const after = structuredClone(before);
    const items = after.CacheBehaviors?.Items ?? [];
    const files = items.find((b) => b.PathPattern === '/files/*');
    if (files === undefined) throw new Error('attached.json has no /files/*');
    files.TrustedKeyGroups = { Enabled: true, Quantity: 1, Items: ['kg-1'] };
    after.CacheBehaviors = { Quantity: 2, Items: [files, ...items.filter((b) => b.PathPattern === '/api/*')] };
    after.Comment = 'changed';
    expect(diffDistributionConfigs(before, after).map(formatFieldChange)).toEqual([
      `distribution: Comment: ${JSON.stringify(before.Comment)} → "changed"`,
      'behavior /files/*: TrustedKeyGroups: {"Enabled":false} → {"Enabled":true,"Items":["kg-1"]}',
      'behavior /auth/*: (itself): present → removed',
      'distribution: CacheBehaviors order: /api/*, /files/* → /files/*, /api/*',
    ]);
  });

  it.each<[unknown, string]>([
    [undefined, '—'],
    [{ Quantity: 0 }, '[]'],
    [{ Quantity: 1, Items: ['a'] }, '["a"]'],
    [{ Enabled: false, Quantity: 0 }, '{"Enabled":false}'],
    ['x', '"x"'],
  ])('summarize(%j) = %s', (value, text) => {
    expect(summarize(value)).toBe(text);
  });
});
