/**
 * The login's origin request policy is made from one list (login/origin-request.ts). A header the login reads
 * but the policy does not forward never arrives in production: the request fails as if the viewer had not sent it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOGIN_DEFAULTS } from '../../config/login';
import {
  LOGIN_VIEWER_HEADERS,
  loginOriginRequest,
  loginOriginRequestPolicyConfig,
  ORIGIN_REQUEST_POLICY_MAX_HEADERS,
  VIEWER_ADDRESS_HEADER,
} from '../../login/origin-request';

const ROOT = join(import.meta.dirname, '..', '..');
const DEFAULT = { cookieName: '__Host-tenant', login: { identity: { tokenHeader: LOGIN_DEFAULTS.tokenHeader } } };

/** Every literal name passed to `request.header('…')` in the login's sources. */
function headersReadIn(file: string): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  return [...source.matchAll(/\bheader\('([a-z0-9-]+)'\)/g)].map((m) => m[1]!);
}

describe('the headers the login reads', () => {
  it.each(['login/service.ts', 'functions/login.ts', 'login/viewer-ip.ts'])('%s reads only listed headers', (file) => {
    const listed = loginOriginRequest(DEFAULT).headers;
    for (const name of headersReadIn(file)) expect(listed, `${file} reads ${name}`).toContain(name);
  });

  it('finds the reads it checks (the scan is not vacuous)', () => {
    expect(headersReadIn('login/service.ts')).toEqual(
      expect.arrayContaining(['origin', 'access-control-request-method', 'content-type']),
    );
  });
});

describe('loginOriginRequest', () => {
  it.each([
    ['the default token header', LOGIN_DEFAULTS.tokenHeader],
    ['a configured token header', 'x-my-id-token'],
    ['a token header already listed', 'content-type'],
  ])('%s: viewer headers, the token header, CloudFront-Viewer-Address; once each; never Host', (_, tokenHeader) => {
    const { headers, cookies } = loginOriginRequest({ ...DEFAULT, login: { identity: { tokenHeader } } });
    expect(headers).toEqual([...new Set([...LOGIN_VIEWER_HEADERS, tokenHeader, VIEWER_ADDRESS_HEADER])]);
    expect(headers).not.toContain('host');
    expect(headers.length).toBeLessThanOrEqual(ORIGIN_REQUEST_POLICY_MAX_HEADERS);
    expect(cookies).toEqual(['__Host-tenant']);
  });

  it('forwards the configured session cookie only', () => {
    expect(loginOriginRequest({ ...DEFAULT, cookieName: 'session' }).cookies).toEqual(['session']);
  });

  it('is a whitelist in the API shape, quantities matching, one query parameter (sign out everywhere)', () => {
    const config = loginOriginRequestPolicyConfig('p', loginOriginRequest(DEFAULT));
    expect(config.HeadersConfig).toEqual({
      HeaderBehavior: 'whitelist',
      Headers: { Quantity: 6, Items: [...LOGIN_VIEWER_HEADERS, LOGIN_DEFAULTS.tokenHeader, VIEWER_ADDRESS_HEADER] },
    });
    expect(config.CookiesConfig).toEqual({
      CookieBehavior: 'whitelist',
      Cookies: { Quantity: 1, Items: ['__Host-tenant'] },
    });
    expect(config.QueryStringsConfig).toEqual({
      QueryStringBehavior: 'whitelist',
      QueryStrings: { Quantity: 1, Items: ['everywhere'] },
    });
  });
});
