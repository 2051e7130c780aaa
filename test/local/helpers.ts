/**
 * Fixtures of the emulator tests: the demo configuration's gate built once per test file, tokens and
 * CloudFront signatures minted with the demo's throwaway keys, and a distribution assembled in-process
 * (no sockets) with a clock the test moves.
 */
import { createHmac, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getSignedCookies, getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { buildArtifacts } from '../../build/artifacts';
import { MANAGED_CACHE_POLICIES } from '../../local/cache';
import { manualClock, type ManualClock } from '../../local/clock';
import { Distribution, GET_HEAD, type Behavior } from '../../local/distribution';
import { cloudFrontFunction } from '../../local/edge-cloudfront-function';
import type { EdgeFunction } from '../../local/edge-function';
import { lambdaEdgeFunction } from '../../local/edge-lambda';
import type { EdgeRequest, EdgeResponse, HeaderList } from '../../local/http-message';
import { folderOrigin } from '../../local/origin-folder';
import type { Origin } from '../../local/origin';
import type { TrustedKeyGroup } from '../../local/signed-requests';

export const ROOT = join(import.meta.dirname, '..', '..');
export const DEMO_CONFIG_PATH = join(ROOT, 'demo', 'local.config.json');
const raw = JSON.parse(readFileSync(DEMO_CONFIG_PATH, 'utf8')) as Record<string, unknown> & {
  keys: { secret: string }[];
};
export const DOMAIN = 'localhost';
export const ISSUER = raw.issuer as string;
export const AUDIENCE = raw.audience as string;
export const BUCKET = join(ROOT, 'demo', 'bucket');
export const KEY_PAIR_ID = 'K2TENANTGATEDEMO';
export const CF_PRIVATE_KEY = createPrivateKey(
  readFileSync(join(ROOT, 'test/fixtures/login-cloudfront-private-key.pem'), 'utf8'),
);
export const KEY_GROUP: TrustedKeyGroup = {
  publicKeys: {
    [KEY_PAIR_ID]: createPublicKey(readFileSync(join(ROOT, 'test/fixtures/login-cloudfront-public-key.pem'), 'utf8')),
  },
};
/** 2027-01-15T08:00:00Z, the suite's frozen instant. */
export const NOW_S = 1_800_000_000;

let built: Promise<string> | undefined;
/** The demo configuration's gate, built once per test file (the login section is left out: not needed here). */
export function gateBuild(): Promise<string> {
  if (built === undefined) {
    const { local: _local, login: _login, ...gate } = raw;
    const outdir = mkdtempSync(join(tmpdir(), 'tenant-gate-local-test-'));
    built = buildArtifacts({ config: gate, outdir, root: ROOT }).then(() => outdir);
  }
  return built;
}

export type GateKind = 'lambda-edge' | 'cloudfront-function';

export async function gateFunction(kind: GateKind, clock: ManualClock): Promise<EdgeFunction> {
  const dir = await gateBuild();
  return kind === 'lambda-edge'
    ? lambdaEdgeFunction(join(dir, 'viewer-request', 'index.js'), { clock, log: () => {} })
    : cloudFrontFunction(join(dir, 'cloudfront-function', 'index.js'), { clock, log: () => {} });
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A tenant session token as the login function mints it (HS256, `typ: tenant+jwt`). */
export function sessionToken(tenant: string, nowS: number = NOW_S, claims: Record<string, unknown> = {}): string {
  const input = `${b64({ alg: 'HS256', typ: 'tenant+jwt', kid: 'hs-2026-11' })}.${b64({ tid: tenant, iss: ISSUER, aud: AUDIENCE, sub: 'test', iat: nowS, exp: nowS + 600, ...claims })}`;
  const signature = createHmac('sha256', Buffer.from(raw.keys[0]!.secret, 'base64url'))
    .update(input)
    .digest('base64url');
  return `${input}.${signature}`;
}

export interface PolicyOptions {
  resource: string;
  dateLessThan: number;
  dateGreaterThan?: number;
  ip?: string;
}

export function policyText(options: PolicyOptions): string {
  const condition: Record<string, unknown> = { DateLessThan: { 'AWS:EpochTime': options.dateLessThan } };
  if (options.dateGreaterThan !== undefined) condition.DateGreaterThan = { 'AWS:EpochTime': options.dateGreaterThan };
  if (options.ip !== undefined) condition.IpAddress = { 'AWS:SourceIp': options.ip };
  return JSON.stringify({ Statement: [{ Resource: options.resource, Condition: condition }] });
}

/** CloudFront signed cookies as one `Cookie` header value. */
export function signedCookieHeader(options: PolicyOptions): string {
  const cookies = getSignedCookies({
    policy: policyText(options),
    keyPairId: KEY_PAIR_ID,
    privateKey: CF_PRIVATE_KEY as unknown as string,
    algorithm: 'SHA256',
  });
  return Object.entries(cookies)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('; ');
}

/** A signed URL's path and query (the distribution's domain dropped, as a local request sends it). */
export function signedPath(path: string, options: Omit<PolicyOptions, 'resource'> & { resource?: string }): string {
  const url = `https://${DOMAIN}${path}`;
  const signed = getSignedUrl({
    policy: policyText({ resource: url, ...options }),
    keyPairId: KEY_PAIR_ID,
    privateKey: CF_PRIVATE_KEY as unknown as string,
    algorithm: 'SHA256',
  });
  return signed.slice(`https://${DOMAIN}`.length);
}

/** Cookies for a tenant: the session cookie and CloudFront cookies for every file. */
export function tenantCookies(tenant: string, nowS: number = NOW_S): string {
  return `__Host-tenant=${sessionToken(tenant, nowS)}; ${signedCookieHeader({ resource: `https://${DOMAIN}/files/*`, dateLessThan: nowS + 600 })}`;
}

let sequence = 0;
export function viewerRequest(
  target: string,
  init: { method?: string; headers?: HeaderList; cookie?: string; ip?: string } = {},
): EdgeRequest {
  const q = target.indexOf('?');
  const headers: HeaderList = [['Host', '127.0.0.1:8787'], ['User-Agent', 'test'], ...(init.headers ?? [])];
  if (init.cookie !== undefined) headers.push(['Cookie', init.cookie]);
  return {
    method: init.method ?? 'GET',
    uri: q === -1 ? target : target.slice(0, q),
    querystring: q === -1 ? '' : target.slice(q + 1),
    headers,
    body: Buffer.alloc(0),
    clientIp: init.ip ?? '203.0.113.10',
    clientPort: 50000,
    requestId: `req-${++sequence}`,
  };
}

/** An origin that counts its calls and otherwise serves the demo bucket. */
export function countingOrigin(inner: Origin = folderOrigin({ root: BUCKET })): Origin & { calls: string[] } {
  const calls: string[] = [];
  return {
    description: 'counting',
    calls,
    async fetch(request) {
      calls.push(`${request.method} ${request.uri}`);
      return inner.fetch(request);
    },
  };
}

export interface TestDistribution {
  distribution: Distribution;
  clock: ManualClock;
  origin: Origin & { calls: string[] };
}

/** `/files/*` on the demo bucket with the gate at viewer-request (or, to show the leak, at origin-request). */
export async function filesDistribution(
  options: {
    gate?: GateKind;
    event?: 'viewer-request' | 'origin-request';
    keyGroup?: boolean;
    origin?: Origin;
    note?: (message: string) => void;
  } = {},
): Promise<TestDistribution> {
  const clock = manualClock(NOW_S * 1000);
  const origin = countingOrigin(options.origin);
  const gate = await gateFunction(options.gate ?? 'lambda-edge', clock);
  const files: Behavior = {
    pathPattern: '/files/*',
    origin,
    allowedMethods: GET_HEAD,
    cachePolicy: MANAGED_CACHE_POLICIES.CachingOptimized!,
    ...(options.keyGroup ? { trustedKeyGroup: KEY_GROUP } : {}),
    ...(options.event === 'origin-request' ? { originRequest: gate } : { viewerRequest: gate }),
  };
  const fallback: Behavior = {
    pathPattern: '*',
    origin: folderOrigin({ root: join(ROOT, 'demo', 'spa') }),
    cachePolicy: MANAGED_CACHE_POLICIES.CachingDisabled!,
  };
  const distribution = new Distribution({
    domain: DOMAIN,
    behaviors: [files, fallback],
    clock,
    ...(options.note ? { note: options.note } : {}),
  });
  return { distribution, clock, origin };
}

export function headerOf(response: EdgeResponse, name: string): string | undefined {
  return response.headers.find(([n]) => n.toLowerCase() === name)?.[1];
}
