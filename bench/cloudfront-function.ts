/**
 * The CloudFront Function's cost per request, run in Node's vm with CloudFront's built-ins, against the
 * same HS256 floor as the Lambda@Edge bench. Node's JIT is not CloudFront's engine: the ratio says how
 * much work the function adds to the unavoidable crypto, not what CloudFront will bill.
 */
import { createHmac, createSecretKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCloudFrontFunction } from '../local/cloudfront-function-runtime';
import { cloudFrontFunctionEvent } from '../test/helpers/cloudfront-function';
import { CONFIG, ROOT } from '../test/helpers/keys';
import { mint } from '../test/helpers/tokens';
import { measureRatio } from './measure';

export async function benchCloudFrontFunction(
  row: (...cells: (string | number)[]) => void,
  us: (n: number) => string,
): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const token = mint({ claims: { iat: now - 60, exp: now + 900 } });
  const key = CONFIG.keys.find((k) => k.kid === 'hs-2026-11');
  if (key?.alg !== 'HS256') throw new Error('bench key missing');
  const secret = createSecretKey(Buffer.from(key.secret, 'base64url'));
  // As for Lambda@Edge: the floor works on a fresh copy of the token string each time, as the function
  // works on a freshly parsed event.
  const tokenJson = JSON.stringify(token);
  let tokens: string[] = [];
  const floor = (i: number) => {
    const t = tokens[i]!;
    const dot = t.lastIndexOf('.');
    createHmac('sha256', secret).update(t.slice(0, dot)).digest('base64url');
    return JSON.parse(Buffer.from(t.slice(t.indexOf('.') + 1, dot), 'base64url').toString('utf8'));
  };

  const handler = loadCloudFrontFunction(readFileSync(join(ROOT, 'dist', 'cloudfront-function', 'index.js'), 'utf8'));
  const json = JSON.stringify(
    cloudFrontFunctionEvent({
      name: '',
      uri: '/files/2026/report.pdf',
      cookies: [`theme=dark; __Host-tenant=${token}`],
      expect: { status: 0 },
    }),
  );
  const first = (await handler(JSON.parse(json))) as { uri?: string };
  if (first.uri !== '/tenants/acme/files/2026/report.pdf')
    throw new Error('the CloudFront Function bench token is refused');
  const ops = 1000;
  let batch: unknown[] = [];
  const m = await measureRatio(
    floor,
    (i) => handler(batch[i]),
    ops,
    41,
    () => {
      batch = Array.from({ length: ops }, () => JSON.parse(json));
    },
    () => {
      tokens = Array.from({ length: ops }, () => JSON.parse(tokenJson) as string);
    },
  );
  row(
    'CloudFront Function HS256 per request (vm)',
    us(m.gate),
    `floor ${us(m.floor)}`,
    `${m.ratio.toFixed(2)}×`,
    'goal ≤ 3×',
    m.ratio <= 3 ? 'met' : 'MISSED',
  );
}
