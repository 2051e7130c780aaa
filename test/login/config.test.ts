/** The `login` section: defaults, idempotence, and a message naming the field for every mistake. */
import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../config/gate';
import { CONFIG } from '../helpers/keys';

const raw = JSON.parse(JSON.stringify(CONFIG)) as Record<string, unknown> & { login: Record<string, unknown> };
const identity = raw.login.identity as Record<string, unknown>;

function withLogin(login: Record<string, unknown>): unknown {
  return { ...raw, login };
}

function errorOf(config: unknown): string {
  try {
    validateConfig(config);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('login config', () => {
  it('validates the example and is idempotent (a validated config validates to itself)', () => {
    expect(CONFIG.login?.cloudfront).toEqual({
      keyPairId: 'K2TENANTGATEDEMO',
      hashAlgorithm: 'SHA256',
      signedCookies: true,
      signedUrls: true,
    });
    expect(validateConfig(JSON.parse(JSON.stringify(CONFIG)))).toEqual(CONFIG);
  });

  it('fills in defaults', () => {
    const minimal = validateConfig(
      withLogin({
        identity: { issuer: 'https://idp', audience: 'app', tenantClaim: 'tenant', jwksUrl: 'https://idp/jwks' },
        signingKid: 'es-2026-11',
        bindIp: 'never',
        secrets: { signingKey: { ssmParameter: '/tg/signing' } },
      }),
    );
    expect(minimal.login).toEqual({
      identity: {
        issuer: 'https://idp',
        audience: ['app'],
        tenantClaim: 'tenant',
        jwksUrl: 'https://idp/jwks',
        jwks: null,
        algorithms: ['RS256', 'ES256'],
        tokenHeader: 'x-identity-token',
      },
      signingKid: 'es-2026-11',
      sessionLifetimeSeconds: 900,
      bindIp: 'never',
      viewerIpSource: 'sourceIp',
      links: { maxExpiresInSeconds: 172800, maxPaths: 100 },
      cloudfront: null,
      claimMapping: {},
      secrets: { signingKey: { ssmParameter: '/tg/signing' }, cloudfrontPrivateKey: null },
    });
  });

  it('accepts a config without a login section (no login function)', () => {
    const { login: _login, ...gateOnly } = raw;
    expect(validateConfig(gateOnly).login).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['not an object', { login: 7 }, /^login: must be an object/],
    ['an unknown member', { login: { ...raw.login, extra: 1 } }, /^login\.extra: unknown field/],
    ['no identity', { login: { ...raw.login, identity: undefined } }, /^login\.identity: required/],
    [
      'both jwks and jwksUrl',
      { login: { ...raw.login, identity: { ...identity, jwksUrl: 'https://idp/jwks' } } },
      /^login\.identity\.jwksUrl: give exactly one/,
    ],
    [
      'neither jwks nor jwksUrl',
      { login: { ...raw.login, identity: { ...identity, jwks: undefined } } },
      /^login\.identity\.jwksUrl: give exactly one/,
    ],
    [
      'a plain-http JWKS URL',
      { login: { ...raw.login, identity: { ...identity, jwks: undefined, jwksUrl: 'http://idp.example.com/jwks' } } },
      /must be https/,
    ],
    [
      'a private key in the JWKS',
      { login: { ...raw.login, identity: { ...identity, jwks: { keys: [{ kty: 'EC', d: 'x' }] } } } },
      /^login\.identity\.jwks\.keys\[0\]: holds private key material \("d"\)/,
    ],
    [
      'an HMAC identity algorithm',
      { login: { ...raw.login, identity: { ...identity, algorithms: ['HS256'] } } },
      /^login\.identity\.algorithms\[0\]: must be one of/,
    ],
    [
      "the gate's own issuer as identity issuer",
      { login: { ...raw.login, identity: { ...identity, issuer: CONFIG.issuer } } },
      /^login\.identity\.issuer: must differ/,
    ],
    [
      'an empty audience',
      { login: { ...raw.login, identity: { ...identity, audience: [] } } },
      /^login\.identity\.audience: required/,
    ],
    [
      'an unknown signingKid',
      { login: { ...raw.login, signingKid: 'nope' } },
      /^login\.signingKid: must name one of keys/,
    ],
    [
      'a session longer than maxTokenLifetimeSeconds',
      { login: { ...raw.login, sessionLifetimeSeconds: 3601 } },
      /^login\.sessionLifetimeSeconds: must be an integer from 1 to 3600/,
    ],
    [
      'links longer than maxLinkLifetimeSeconds',
      { login: { ...raw.login, links: { maxExpiresInSeconds: 172801 } } },
      /^login\.links\.maxExpiresInSeconds: must be an integer from 1 to 172800/,
    ],
    [
      'binding without a viewer IP source',
      { login: { ...raw.login, viewerIpSource: undefined } },
      /^login\.viewerIpSource: must be one of/,
    ],
    [
      'a bad bindIp',
      { login: { ...raw.login, bindIp: 'sometimes' } },
      /^login\.bindIp: must be one of "never", "optional", "always"/,
    ],
    [
      'a lower-case key pair id',
      { login: { ...raw.login, cloudfront: { keyPairId: 'k2abc' } } },
      /^login\.cloudfront\.keyPairId: must be a CloudFront public key ID/,
    ],
    [
      'MD5 hashing',
      { login: { ...raw.login, cloudfront: { keyPairId: 'K2ABC', hashAlgorithm: 'MD5' } } },
      /^login\.cloudfront\.hashAlgorithm: must be one of "SHA1", "SHA256"/,
    ],
    [
      'CloudFront without its private key',
      { login: { ...raw.login, secrets: { signingKey: { file: 'x' } } } },
      /^login\.secrets\.cloudfrontPrivateKey: required when login\.cloudfront is set/,
    ],
    [
      'a private key without CloudFront',
      { login: { ...raw.login, cloudfront: null } },
      /^login\.secrets\.cloudfrontPrivateKey: given without login\.cloudfront/,
    ],
    [
      'the Authorization header, which origin access control overwrites',
      { login: { ...raw.login, identity: { ...identity, tokenHeader: 'authorization' } } },
      /^login\.identity\.tokenHeader: must not be authorization: CloudFront's origin access control overwrites Authorization with its SigV4 signature/,
    ],
    [
      'an upper-case header name',
      { login: { ...raw.login, identity: { ...identity, tokenHeader: 'X-Identity-Token' } } },
      /^login\.identity\.tokenHeader: must be a lower-case header name/,
    ],
    [
      'a misspelt member, with a suggestion',
      { login: { ...raw.login, signingkid: 'x' } },
      /^login\.signingkid: unknown field, did you mean `signingKid`\?/,
    ],
    [
      'a secret inline instead of a source',
      { login: { ...raw.login, secrets: { ...(raw.login.secrets as object), signingKey: { value: 'abc' } } } },
      /^login\.secrets\.signingKey: must be exactly one of/,
    ],
    [
      'two sources at once',
      {
        login: {
          ...raw.login,
          secrets: { ...(raw.login.secrets as object), signingKey: { file: 'a', ssmParameter: 'b' } },
        },
      },
      /^login\.secrets\.signingKey: must be exactly one of/,
    ],
  ])('refuses %s, naming the field', (_name, override, message) => {
    expect(errorOf({ ...raw, ...override })).toMatch(message);
  });
});
