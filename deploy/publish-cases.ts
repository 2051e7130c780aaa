/**
 * The events a CloudFront Function must answer correctly before it is published (TestFunction on its DEVELOPMENT
 * stage, docs/platform.md#cloudfront-functions-publish-and-test): two allowed, three refused, one malformed request.
 * The two allowed ones take the function's two ways to a yes: a session cookie as the login mints it (the fast path,
 * whenever the function has one) and a link token (always the general path).
 *
 * Each row is a row of the conformance table (test/cases/request-cases.ts), by the same name and with the same
 * expected outcome; test/deploy/publish.test.ts checks that they stay so. Here they are rebuilt for the packaged
 * gate config (its pathPrefix, originPrefix, tenantPattern, cookie name) with tokens minted by the login's own minter
 * under one of the config's HS256 keys, the keys the function verifies (inline, or `key:<kid>` in the store, which
 * the deploy fills before testing).
 */
import { createSecretKey, randomBytes } from 'node:crypto';
import type { GateConfig, HmacKeyConfig } from '../config/gate';
import { toCloudFrontFunctionEvent, type CloudFrontFunctionEvent } from '../local/cloudfront-function-event';
import { createTenantTokenMinter } from '../login/tenant-token';
import { isSafeTenantSegment, originPrefixParts, originUri } from '../src/tenant-path';

export type PublishExpectation =
  { readonly status: 'forward'; readonly uri: string } | { readonly status: number; readonly code: string };

export interface PublishCase {
  /** The conformance table's row name. */
  readonly name: string;
  readonly kind: 'allowed' | 'refused' | 'malformed';
  readonly event: CloudFrontFunctionEvent;
  readonly expect: PublishExpectation;
}

export class PublishCaseError extends Error {
  readonly code = 'ERR_PUBLISH_NO_TEST_KEY';
  override name = 'PublishCaseError';
}

const TENANT_CANDIDATES = ['acme', 'tenant-gate-check', 'tgcheck', 'a1', 'a', '1'];

/** The HS256 key tokens are minted with: login.signingKid when it is HS256, else the first HS256 key with a secret. */
export function publishTestKey(config: GateConfig): HmacKeyConfig {
  const hs = config.keys.filter((k): k is HmacKeyConfig => k.alg === 'HS256' && k.secret !== '');
  const preferred = hs.find((k) => k.kid === config.login?.signingKid) ?? hs[0];
  if (preferred === undefined)
    throw new PublishCaseError(
      'the gate config has no HS256 key with its secret: a CloudFront Function verifies HS256 only, so no test token can be minted and nothing would pass',
    );
  return preferred;
}

function testTenant(config: GateConfig): string {
  const pattern = new RegExp(config.tenantPattern);
  const tenant = TENANT_CANDIDATES.find((t) => pattern.test(t) && isSafeTenantSegment(t));
  if (tenant === undefined) throw new PublishCaseError(`no test tenant matches tenantPattern ${config.tenantPattern}`);
  return tenant;
}

export async function publishCases(config: GateConfig, nowSeconds: number): Promise<PublishCase[]> {
  const key = publishTestKey(config);
  const tenant = testTenant(config);
  const minter = createTenantTokenMinter(config);
  const lifetime = Math.min(300, config.maxTokenLifetimeSeconds);
  const claims = { sub: 'tenant-gate-publish-check', tenant, iat: nowSeconds, exp: nowSeconds + lifetime };
  const signing = (secret: Buffer) => ({ kid: key.kid, alg: 'HS256' as const, key: createSecretKey(secret) });
  const good = await minter.session(signing(Buffer.from(key.secret, 'base64url')), claims);
  const foreign = await minter.session(signing(randomBytes(32)), claims);
  const linkLifetime = Math.min(300, config.maxLinkLifetimeSeconds);
  const expired = await minter.session(signing(Buffer.from(key.secret, 'base64url')), {
    ...claims,
    iat: nowSeconds - lifetime - 600,
    exp: nowSeconds - 600,
  });

  const base =
    config.pathPrefix === '/' ? '/' : config.pathPrefix.endsWith('/') ? config.pathPrefix : `${config.pathPrefix}/`;
  const file = `${base}report.pdf`;
  const link = await minter.link(signing(Buffer.from(key.secret, 'base64url')), {
    ...claims,
    exp: nowSeconds + linkLifetime,
    path: file,
  });
  const event = (
    uri: string,
    options: { cookie?: string; method?: string; querystring?: string } = {},
  ): CloudFrontFunctionEvent => {
    const headers: [string, string][] = [['Host', config.domain]];
    if (options.cookie !== undefined) headers.push(['Cookie', `${config.cookieName}=${options.cookie}`]);
    return toCloudFrontFunctionEvent({
      method: options.method ?? 'GET',
      uri,
      querystring: options.querystring ?? '',
      headers,
      ip: '203.0.113.178',
      requestId: 'tenant-gate-publish-check',
    });
  };
  const unauthorized = { status: 401, code: 'invalid_token' };
  return [
    {
      name: 'valid cookie: rewritten into the tenant prefix',
      kind: 'allowed',
      event: event(file, { cookie: good }),
      expect: { status: 'forward', uri: originUri(originPrefixParts(config.originPrefix), tenant, file) },
    },
    {
      name: 'link token opens its file, and is stripped',
      kind: 'allowed',
      event: event(file, { querystring: `${encodeURIComponent(config.linkTokenParam)}=${link}` }),
      expect: { status: 'forward', uri: originUri(originPrefixParts(config.originPrefix), tenant, file) },
    },
    {
      name: 'no cookie at all',
      kind: 'refused',
      event: event(file),
      expect: { status: 401, code: 'missing_credentials' },
    },
    {
      name: 'cookie token: signed with another HMAC key',
      kind: 'refused',
      event: event(file, { cookie: foreign }),
      expect: unauthorized,
    },
    {
      name: 'cookie token: expired beyond tolerance',
      kind: 'refused',
      event: event(file, { cookie: expired }),
      expect: unauthorized,
    },
    {
      name: 'bad path refused before credentials are read',
      kind: 'malformed',
      event: event(`${base}../x`),
      expect: { status: 400, code: 'invalid_path' },
    },
  ];
}
