/** Shared fixtures of the login tests: the example configuration, a throwaway identity provider, a frozen clock. */
import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, SignJWT, type JWTPayload } from 'jose';
import { judgeCloudFrontRequest, type CloudFrontVerifyResult } from '../../lib/cloudfront-signature/index';
import { validateConfig } from '../../config/gate';
import type { LoginGateConfig } from '../../config/login';
import type { EntryStore } from '../../deploy/revocation-store';
import { createKeyLoader } from '../../login/keys';
import { defaultSecretReaders } from '../../login/secrets';
import { signInHeaders } from '../../login/sign-in-headers';
import { createLoginService, type LogEntry, type LoginRequest, type LoginResponse } from '../../login/service';
import { CONFIG, ROOT } from '../helpers/keys';
import { NOW } from '../helpers/tokens';

export { NOW, ROOT };

export const LOGIN_CONFIG = CONFIG as LoginGateConfig;

export function loginConfig(
  overrides: Record<string, unknown> = {},
  gateOverrides: Record<string, unknown> = {},
): LoginGateConfig {
  const raw = JSON.parse(JSON.stringify(CONFIG)) as Record<string, unknown>;
  return validateConfig({
    ...raw,
    ...gateOverrides,
    login: { ...(raw.login as object), ...overrides },
  }) as LoginGateConfig;
}

const idp = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/login-identity-key.json'), 'utf8')) as {
  kid: string;
  privateKeyJwk: JsonWebKey;
};
export const IDP_KID = idp.kid;
export const IDP_PRIVATE_KEY: KeyObject = createPrivateKey({ key: idp.privateKeyJwk, format: 'jwk' });
export const IDP_ISSUER = 'https://idp.example.com';

export const CF_PRIVATE_PEM = readFileSync(join(ROOT, 'test/fixtures/login-cloudfront-private-key.pem'), 'utf8');
export const CF_PUBLIC_KEY = createPublicKey(
  readFileSync(join(ROOT, 'test/fixtures/login-cloudfront-public-key.pem'), 'utf8'),
);
export const KEY_PAIR_ID = 'K2TENANTGATEDEMO';

export interface IdentityOptions {
  claims?: Record<string, unknown>;
  /** Claims to drop. */
  without?: string[];
  alg?: string;
  key?: KeyObject | Uint8Array;
  kid?: string;
}

/** An identity token as the SaaS app's provider (Cognito-like) would issue it. */
export async function identityToken(options: IdentityOptions = {}): Promise<string> {
  const claims: JWTPayload = {
    iss: IDP_ISSUER,
    aud: 'saas-app',
    sub: 'alice',
    'custom:tenant_id': 'acme',
    iat: NOW - 60,
    exp: NOW + 3600,
    ...options.claims,
  };
  for (const name of options.without ?? []) delete claims[name];
  const alg = options.alg ?? 'ES256';
  const key = options.key ?? (await importJWK(idp.privateKeyJwk as Parameters<typeof importJWK>[0], 'ES256'));
  return new SignJWT(claims).setProtectedHeader({ alg, kid: options.kid ?? IDP_KID, typ: 'JWT' }).sign(key);
}

/** The header the login reads the identity token from (`login.identity.tokenHeader` of the shipped config). */
export const IDENTITY_HEADER = LOGIN_CONFIG.login.identity.tokenHeader;

/**
 * The identity token as a client sends it: the bare token in the dedicated header (behind origin access control,
 * CloudFront overwrites `Authorization` with its own signature), `Bearer` only if the header is `authorization`.
 */
export function identityHeaders(token: string, header: string = IDENTITY_HEADER): Record<string, string> {
  return { [header]: header === 'authorization' ? `Bearer ${token}` : token };
}

export function request(
  partial: Partial<Omit<LoginRequest, 'header'>> & { headers?: Record<string, string> },
): LoginRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(partial.headers ?? {})) headers[name.toLowerCase()] = value;
  return {
    method: partial.method ?? 'GET',
    path: partial.path ?? '/auth/session',
    query: partial.query ?? '',
    header: (name) => headers[name],
    cookies: partial.cookies ?? [],
    body: partial.body,
    sourceIp: partial.sourceIp ?? '198.51.100.7',
  };
}

/** The viewer address as CloudFront hands it to the origin (`ip:port`). */
export function viewerAddress(ip: string): Record<string, string> {
  return { 'cloudfront-viewer-address': `${ip}:46532` };
}

export function service(
  config: LoginGateConfig = LOGIN_CONFIG,
  now: () => number = () => NOW,
  revocations?: EntryStore,
) {
  const logs: LogEntry[] = [];
  const svc = createLoginService(config, {
    keys: createKeyLoader(config, config.login, defaultSecretReaders(ROOT)),
    now,
    log: (entry) => logs.push(entry),
    ...(revocations ? { revocations } : {}),
  });
  return { handle: (r: LoginRequest) => svc.handle(r), logs };
}

export interface ParsedCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
  raw: string;
}

export function parseSetCookie(raw: string): ParsedCookie {
  const [pair, ...attrs] = raw.split('; ');
  const eq = pair!.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const attr of attrs) {
    const i = attr.indexOf('=');
    attributes[i < 0 ? attr : attr.slice(0, i)] = i < 0 ? true : attr.slice(i + 1);
  }
  return { name: pair!.slice(0, eq), value: pair!.slice(eq + 1), attributes, raw };
}

export function cookiesOf(response: LoginResponse): Record<string, ParsedCookie> {
  return Object.fromEntries(response.cookies.map((c) => parseSetCookie(c)).map((c) => [c.name, c]));
}

/** The jar a browser would send back: name → value, for the cookies whose Path matches `path`. */
export function jarFor(response: LoginResponse, path: string): Record<string, string> {
  const jar: Record<string, string> = {};
  for (const cookie of Object.values(cookiesOf(response))) {
    const cookiePath = String(cookie.attributes.Path);
    if (path === cookiePath || path.startsWith(cookiePath.endsWith('/') ? cookiePath : `${cookiePath}/`))
      jar[cookie.name] = cookie.value;
  }
  return jar;
}

/** CloudFront's own judgement of a request, with the distribution trusting only the fixture key. */
export function cloudfrontJudges(
  url: string,
  at: number,
  viewerIp: string,
  cookies?: Record<string, string>,
): CloudFrontVerifyResult {
  return judgeCloudFrontRequest({ url, cookies, publicKeys: { [KEY_PAIR_ID]: CF_PUBLIC_KEY }, now: at, viewerIp });
}

export function codeOf(result: CloudFrontVerifyResult): string {
  return result.ok ? 'ok' : result.code;
}

/** A sign-in as a client behind CloudFront sends it (login/sign-in-headers.ts): token header and body hash. */
export async function login(
  svc: ReturnType<typeof service>,
  extra: { headers?: Record<string, string>; body?: string } = {},
) {
  const response = await svc.handle(
    request({
      method: 'POST',
      headers: {
        ...signInHeaders(await identityToken(), extra.body ?? '', IDENTITY_HEADER),
        ...extra.headers,
      },
      ...(extra.body ? { body: extra.body } : {}),
    }),
  );
  return response;
}
