/**
 * Revocation on every target, from one store-backed table (test/cases/revocation-cases.ts): the CloudFront
 * Function reads the store itself (in vm and under njs); Lambda@Edge asks the login (functions/revocation-cache.ts),
 * which reads the same entries (deploy/revocation-store.ts) — here the real login service, reached through the
 * bundle's own `fetch`.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localEntryStore } from '../deploy/revocation-store';
import { LocalKeyValueStore } from '../local/key-value-store';
import { GRANT_OVERRIDES } from './cases/grant-cases';
import { revocationCases, type RevocationCase } from './cases/revocation-cases';
import { cloudFrontFunctionEvent, cloudFrontFunctionOutcome, njsRunner, vmRunner } from './helpers/cloudfront-function';
import { lambdaEdgeEvent, lambdaEdgeOutcome, loadLambdaEdge } from './helpers/lambda-edge';
import { built } from './helpers/targets';
import { canRun, NJS } from './helpers/tools';
import { NOW } from './helpers/tokens';
import { join } from 'node:path';
import type { Outcome } from './helpers/outcome';
import type { RequestCase } from './cases/request-cases';
import { loginConfig, request, service } from './login/helpers';
import { frozenAtNowQuietly } from './helpers/clock';

/** Revocation on both targets, the kill switch on the CloudFront Function's. */
export const REVOCATION_OVERRIDES = {
  cloudfrontFunction: { keySource: 'inline', tenantKillSwitch: true, revocation: true },
  lambdaEdge: { revocation: true },
};
/**
 * Lambda@Edge with folder grants too. The CloudFront Function with grants, the kill switch and revocation is over its
 * 10 KB until its default build shrinks (issue 12), so there the grant rows wait; the rule it applies reads `iat`
 * only, after the decision, whatever the credential's kind.
 */
const EDGE_OVERRIDES = { lambdaEdge: { revocation: true }, ...GRANT_OVERRIDES };
const onCloudFrontFunction = revocationCases.filter((c) => !('grant' in c.credential));

function requestOf(c: RevocationCase): RequestCase {
  if ('cookie' in c.credential)
    return { name: c.name, cookies: [`__Host-tenant=${c.credential.cookie}`], expect: { status: 401 } };
  if ('link' in c.credential)
    return { name: c.name, querystring: `token=${c.credential.link}`, expect: { status: 401 } };
  return { name: c.name, uri: `/grants/${c.credential.grant}/report.pdf`, expect: { status: 401 } };
}

function storeOf(c: RevocationCase): LocalKeyValueStore {
  const store = new LocalKeyValueStore(c.store);
  store.failing = c.failing === true;
  return store;
}

function judge(c: RevocationCase, outcome: Outcome): void {
  if (c.expect.status === 'forward') {
    expect(outcome).toMatchObject({
      status: 'forward',
      uri: `/tenants/${c.expect.tenant ?? 'acme'}/files/report.pdf`,
    });
    return;
  }
  expect(outcome).toMatchObject({ status: c.expect.status, code: 'code' in c.expect ? c.expect.code : undefined });
}

frozenAtNowQuietly();

describe('CloudFront Function (node:vm)', () => {
  let file: string;
  beforeAll(async () => {
    file = join(await built('default', REVOCATION_OVERRIDES), 'cloudfront-function', 'index.js');
  });
  it.each(onCloudFrontFunction.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    judge(c, cloudFrontFunctionOutcome(await vmRunner(file, storeOf(c))(cloudFrontFunctionEvent(requestOf(c)))));
  });
});

describe.runIf(canRun(NJS))('CloudFront Function (njs)', () => {
  let file: string;
  beforeAll(async () => {
    file = join(await built('default', REVOCATION_OVERRIDES), 'cloudfront-function', 'index.js');
  });
  it.each(onCloudFrontFunction.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const run = njsRunner(file, c.store, NOW * 1000, c.failing === true);
    judge(c, cloudFrontFunctionOutcome(await run(cloudFrontFunctionEvent(requestOf(c)))));
  });
});

describe('Lambda@Edge bundle (asks the login)', () => {
  let file: string;
  beforeAll(async () => {
    file = join(await built('default', EDGE_OVERRIDES), 'viewer-request', 'index.js');
  });
  afterAll(() => {
    vi.unstubAllGlobals();
  });
  const cases = revocationCases.filter((c) => c.cloudFrontFunctionOnly !== true);
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const login = service(loginConfig({}, EDGE_OVERRIDES), () => NOW, localEntryStore(storeOf(c)));
    const asked: string[] = [];
    vi.stubGlobal('fetch', async (url: string, init: { headers: Record<string, string> }) => {
      asked.push(url);
      const answer = await login.handle(
        request({ method: 'GET', path: new URL(url).pathname, cookies: [init.headers.cookie!] }),
      );
      return new Response(answer.body, { status: answer.status, headers: answer.headers });
    });
    // A fresh bundle per case: its answers are cached per container.
    const handler = loadLambdaEdge(file);
    judge(c, lambdaEdgeOutcome(await handler(lambdaEdgeEvent(requestOf(c)))));
    // Asked once for a credential the gate accepted, never for one it refused first.
    const refusedFirst = 'code' in c.expect && c.expect.code === 'invalid_token';
    expect(asked).toEqual(refusedFirst ? [] : ['https://cdn.example.com/auth/revocation']);
  });
});
