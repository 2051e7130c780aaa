/**
 * Nothing throws: whatever CloudFront could hand the built artifacts — well-formed or not — they answer
 * with a 4xx, a 2xx preflight, or forward a request under the verified tenant's prefix. An exception at
 * the edge would be a 5xx for every viewer.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import type { CloudFrontRequestEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { cloudFrontFunctionEvent, cloudFrontFunctionOutcome, vmRunner } from './helpers/cloudfront-function';
import { lambdaEdgeEvent, lambdaEdgeOutcome, loadLambdaEdge, type EdgeHandler } from './helpers/lambda-edge';
import type { Outcome } from './helpers/outcome';
import { built } from './helpers/targets';
import { mint, mintLink } from './helpers/tokens';
import { frozenAtNowQuietly } from './helpers/clock';

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string(),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const tokenish = fc.oneof(
  fc.constant(mint()),
  fc.constant(mint({ claims: { tid: 'globex' } })),
  fc.constant(mintLink('/files/a.txt')),
  fc.constant(mint({ kid: 'es-2026-11' })),
  fc.string({ maxLength: 40 }),
  fc.constant(mint().slice(0, -3)),
);
const cookieHeader = fc
  .array(
    fc.oneof(
      tokenish.map((t) => `__Host-tenant=${t}`),
      fc.constantFrom('a=b', '', ';', '__Host-tenant', '=x'),
    ),
    { maxLength: 4 },
  )
  .map((parts) => parts.join('; '));
const uri = fc.oneof(
  fc.constantFrom('/files/a.txt', '/files/%2e%2e/x', '/files//a', '/', '', '/files/%ff', '/x'),
  fc.string({ maxLength: 30 }).map((s) => '/files/' + s),
);
const method = fc.constantFrom('GET', 'HEAD', 'POST', 'OPTIONS', 'get', '', 'DELETE');
const query = fc.oneof(
  fc.constant(''),
  tokenish.map((t) => `token=${t}`),
  fc.string({ maxLength: 30 }),
);
const headers = fc.dictionary(
  fc.constantFrom('origin', 'accept', 'sec-fetch-mode', 'sec-fetch-dest', 'access-control-request-method', 'x-tenant'),
  fc.string({ maxLength: 20 }),
  { maxKeys: 4 },
);

const wellShaped = fc.record({
  method,
  uri,
  cookies: fc.array(cookieHeader, { maxLength: 3 }),
  querystring: query,
  headers,
  ip: fc.constantFrom('192.0.2.10', '2001:db8::1', ''),
});

function acceptable(outcome: Outcome): void {
  if (outcome.status === 'forward') {
    expect(outcome.uri).toMatch(/^\/tenants\/(acme|globex)\/files\/[^/]/);
    expect(
      outcome.uri
        .split('/')
        .slice(1)
        .every((s) => s !== '' && s !== '.' && s !== '..'),
    ).toBe(true);
    return;
  }
  expect([204, 302, 400, 401, 403, 405]).toContain(outcome.status);
}

let edge: EdgeHandler;
let cff: (event: unknown) => Promise<unknown>;
frozenAtNowQuietly();
beforeAll(async () => {
  edge = loadLambdaEdge(join(await built('web'), 'viewer-request', 'index.js'));
  cff = vmRunner(join(await built('web'), 'cloudfront-function', 'index.js'));
});

describe('robustness of the built artifacts', () => {
  it('Lambda@Edge: any CloudFront-shaped request gets a 4xx or a safe forward', async () => {
    await fc.assert(
      fc.asyncProperty(wellShaped, async (r) => {
        acceptable(lambdaEdgeOutcome(await edge(lambdaEdgeEvent({ name: '', expect: { status: 0 }, ...r }))));
      }),
      { numRuns: 1500 },
    );
  });

  it('CloudFront Function: any CloudFront-shaped request gets a 4xx or a safe forward', async () => {
    await fc.assert(
      fc.asyncProperty(wellShaped, async (r) => {
        acceptable(
          cloudFrontFunctionOutcome(await cff(cloudFrontFunctionEvent({ name: '', expect: { status: 0 }, ...r }))),
        );
      }),
      { numRuns: 1500 },
    );
  });

  it('Lambda@Edge: arbitrary JSON where the request should be never throws, never forwards', async () => {
    await fc.assert(
      fc.asyncProperty(json, json, async (request, headersValue) => {
        const event = {
          Records: [{ cf: { config: {}, request: request === null ? { headers: headersValue } : request } }],
        };
        const outcome = lambdaEdgeOutcome(await edge(event as unknown as CloudFrontRequestEvent));
        expect(outcome.status).not.toBe('forward');
        if (outcome.status !== 'forward') expect(outcome.status).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: 1000 },
    );
  });

  it('CloudFront Function: arbitrary JSON where the request should be never throws, never forwards', async () => {
    await fc.assert(
      fc.asyncProperty(json, json, async (request, viewer) => {
        const result = await cff({ version: '1.0', viewer, request });
        const outcome = cloudFrontFunctionOutcome(result);
        expect(outcome.status).not.toBe('forward');
      }),
      { numRuns: 1000 },
    );
  });
});
