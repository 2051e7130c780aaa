/**
 * Field-level difference between two `DistributionConfig`s: behavior (or origin), field, before → after.
 *
 * Why computed from the two configs rather than reported by each edit: it cannot miss a change. attach and detach
 * explain what they did in their own words (`changes`); this list is the exact record of what an UpdateDistribution
 * would write, which a reviewer of a dry run (or of the deploy log) checks against those words.
 */
import { isDeepStrictEqual } from 'node:util';
import type { CacheBehavior, DistributionConfig, Origin } from '@aws-sdk/client-cloudfront';

export interface FieldChange {
  /** `default behavior`, `behavior /files/*`, `origin tenant-gate-auth` or `distribution`. */
  readonly where: string;
  readonly field: string;
  readonly before: string;
  readonly after: string;
}

const ABSENT = '—';

/**
 * A value as one short line of JSON, without the `Quantity` members, which repeat the length of `Items` (attach
 * keeps them equal): a bare list `{"Quantity":1,"Items":["kg"]}` reads `["kg"]`, and `{"Enabled":true,"Quantity":1,
 * "Items":["kg"]}` reads `{"Enabled":true,"Items":["kg"]}`.
 */
export function summarize(value: unknown): string {
  if (value === undefined) return ABSENT;
  return JSON.stringify(value, (key, v: unknown) => {
    if (key === 'Quantity') return undefined;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.includes('Quantity') && keys.every((k) => k === 'Quantity' || k === 'Items'))
        return (v as { Items?: unknown }).Items ?? [];
    }
    return v;
  });
}

function diffRecords(where: string, before: object, after: object, out: FieldChange[]): void {
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  for (const field of keys) {
    if (isDeepStrictEqual(b[field], a[field])) continue;
    out.push({ where, field, before: summarize(b[field]), after: summarize(a[field]) });
  }
}

/** Lists keyed by an id (behaviors by PathPattern, origins by Id): added, removed, changed fields, order. */
function diffKeyed<T extends object>(
  label: (key: string) => string,
  listName: string,
  before: readonly T[],
  after: readonly T[],
  keyOf: (item: T) => string,
  out: FieldChange[],
): void {
  const beforeKeys = before.map(keyOf);
  const afterKeys = after.map(keyOf);
  for (const item of after) {
    const key = keyOf(item);
    const old = before.find((x) => keyOf(x) === key);
    if (old === undefined)
      out.push({
        where: label(key),
        field: '(itself)',
        before: ABSENT,
        after: `added at position ${afterKeys.indexOf(key) + 1}`,
      });
    else diffRecords(label(key), old, item, out);
  }
  for (const key of beforeKeys) {
    if (!afterKeys.includes(key))
      out.push({ where: label(key), field: '(itself)', before: 'present', after: 'removed' });
  }
  const keptBefore = beforeKeys.filter((k) => afterKeys.includes(k));
  const keptAfter = afterKeys.filter((k) => beforeKeys.includes(k));
  if (!isDeepStrictEqual(keptBefore, keptAfter)) {
    out.push({
      where: 'distribution',
      field: `${listName} order`,
      before: keptBefore.join(', '),
      after: keptAfter.join(', '),
    });
  }
}

export function diffDistributionConfigs(before: DistributionConfig, after: DistributionConfig): FieldChange[] {
  const out: FieldChange[] = [];
  const { DefaultCacheBehavior: defBefore, CacheBehaviors: cbBefore, Origins: orBefore, ...restBefore } = before;
  const { DefaultCacheBehavior: defAfter, CacheBehaviors: cbAfter, Origins: orAfter, ...restAfter } = after;
  diffRecords('distribution', restBefore, restAfter, out);
  diffRecords('default behavior', defBefore ?? {}, defAfter ?? {}, out);
  diffKeyed<CacheBehavior>(
    (p) => `behavior ${p}`,
    'CacheBehaviors',
    cbBefore?.Items ?? [],
    cbAfter?.Items ?? [],
    (b) => b.PathPattern ?? '',
    out,
  );
  diffKeyed<Origin>(
    (id) => `origin ${id}`,
    'Origins',
    orBefore?.Items ?? [],
    orAfter?.Items ?? [],
    (o) => o.Id ?? '',
    out,
  );
  return out;
}

export function formatFieldChange(c: FieldChange): string {
  return `${c.where}: ${c.field}: ${c.before} → ${c.after}`;
}
