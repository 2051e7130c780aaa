/** The distribution configs under test/fixtures/distribution-config, as GetDistributionConfig returns them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DistributionConfig } from '@aws-sdk/client-cloudfront';

export const DISTRIBUTION_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'distribution-config');

/** A fresh copy of the fixture `<name>.json` (tests may change what they are given). */
export function loadDistributionConfig(name: string): DistributionConfig {
  return JSON.parse(readFileSync(join(DISTRIBUTION_FIXTURES, `${name}.json`), 'utf8')) as DistributionConfig;
}
