/**
 * The `login` section of gatekeeper.config.json: how the login origin (`/auth/*`) checks identities, which key
 * mints tenant tokens, how CloudFront signing is done, and where the secrets live.
 *
 * Part of the gate's schema (config/gate.ts), which also checks it against the gate's own fields
 * (`checkLoginAgainstGate`) and fills the defaults that depend on them (`withLoginDefaults`). The result is
 * itself a valid input (every default written out), so a validated configuration validates to itself.
 */
import { z } from 'zod';
import { bool, integer, matching, oneOf, shown, strictObject, text } from './fields';
import type { GateConfig } from './gate';
import { claimMappingSchema } from './scopes';

/** Asymmetric JWS algorithms an identity provider may use. HMAC is refused: a shared secret is not an identity. */
export const IDENTITY_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
] as const;
export type IdentityAlgorithm = (typeof IDENTITY_ALGORITHMS)[number];

export const LOGIN_DEFAULTS = {
  sessionLifetimeSeconds: 900,
  maxPaths: 100,
  algorithms: ['RS256', 'ES256'] as IdentityAlgorithm[],
  /**
   * Not `authorization`: behind CloudFront origin access control, CloudFront signs the origin request with
   * SigV4 and so overwrites `Authorization` before the function URL sees it
   * (docs/platform.md#origin-access-control-and-function-urls).
   */
  tokenHeader: 'x-identity-token',
  bindIp: 'optional',
  hashAlgorithm: 'SHA256',
  signedCookies: true,
  signedUrls: true,
} as const;

const DAY = 86400;
/** Members that only a private or secret JWK carries. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];
const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** A JWKS URL must be https; plain http only for a provider on this machine (the local emulator's dev IdP). */
const jwksUrl = z.string({ error: 'must be a URL string' }).superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `is not a URL: ${shown(value)}` });
    return;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOCAL_HOSTS.includes(url.hostname))) {
    ctx.addIssue({ code: 'custom', message: 'must be https (plain http only for localhost)' });
  }
  if (url.username !== '' || url.password !== '') {
    ctx.addIssue({ code: 'custom', message: 'must not carry credentials' });
  }
});

const identityJwk = z
  .looseObject({ kty: z.string() }, { error: 'must be a JWK with "kty"' })
  .superRefine((key, ctx) => {
    const secret = PRIVATE_JWK_MEMBERS.find((member) => key[member] !== undefined);
    if (secret !== undefined) {
      ctx.addIssue({ code: 'custom', message: `holds private key material ("${secret}"); give public keys only` });
    } else if (key.kty === 'oct') {
      ctx.addIssue({ code: 'custom', message: 'a symmetric key cannot be an identity provider key' });
    }
  })
  .meta({
    properties: { kty: { not: { const: 'oct' } } },
    not: { anyOf: PRIVATE_JWK_MEMBERS.map((member) => ({ required: [member] })) },
  });

const staticJwks = z.looseObject(
  {
    keys: z
      .array(identityJwk, { error: 'must be a JWKS: { "keys": [ public JWKs ] }' })
      .min(1, { error: 'must be a JWKS: { "keys": [ public JWKs ] }' })
      .describe('Public JWKs only: no private members, no symmetric (oct) key.'),
  },
  { error: 'must be a JWKS: { "keys": [ public JWKs ] }' },
);

const AUDIENCE = 'required, a non-empty string or array of strings';

const identity = strictObject({
  issuer: text().describe("Exact iss of identity tokens; must differ from the gate's issuer."),
  audience: z
    .union(
      [
        z.string({ error: AUDIENCE }).min(1, AUDIENCE),
        z.array(z.string({ error: AUDIENCE }).min(1, AUDIENCE), { error: AUDIENCE }).min(1, AUDIENCE),
      ],
      { error: AUDIENCE },
    )
    .transform((audience) => (typeof audience === 'string' ? [audience] : audience))
    .describe("Accepted aud values (the app's client id)."),
  tenantClaim: text().describe('Claim carrying the tenant id, e.g. custom:tenant_id (Cognito).'),
  jwksUrl: jwksUrl
    .nullable()
    .default(null)
    .describe('OIDC JWKS URL, fetched and cached per container; https, or http only for localhost.'),
  jwks: staticJwks.nullable().default(null).describe('A static JWKS of public keys, instead of jwksUrl.'),
  algorithms: z
    .array(
      z.enum(IDENTITY_ALGORITHMS, {
        error: (issue) =>
          `must be one of ${IDENTITY_ALGORITHMS.join(', ')} (no HMAC, no none), got ${shown(issue.input)}`,
      }),
      { error: `must be a non-empty array of ${IDENTITY_ALGORITHMS.join(', ')}` },
    )
    .min(1, `must be a non-empty array of ${IDENTITY_ALGORITHMS.join(', ')}`)
    .default(LOGIN_DEFAULTS.algorithms)
    .describe('Accepted identity token algorithms (asymmetric only).'),
  tokenHeader: matching(/^[a-z0-9-]{1,64}$/, 'must be a lower-case header name')
    .refine(
      (header) => header !== 'authorization',
      "must not be authorization: CloudFront's origin access control overwrites Authorization with its SigV4 " +
        'signature before the function URL sees it (docs/platform.md#origin-access-control-and-function-urls)',
    )
    .meta({ not: { const: 'authorization' } })
    .default(LOGIN_DEFAULTS.tokenHeader)
    .describe(
      'Header carrying the identity token (lower case). Never authorization: origin access control overwrites it.',
    ),
})
  .superRefine((section, ctx) => {
    if ((section.jwksUrl === null) === (section.jwks === null)) {
      ctx.addIssue({
        code: 'custom',
        path: ['jwksUrl'],
        message: 'give exactly one of jwksUrl (OIDC) or jwks (static)',
      });
    }
  })
  .meta({
    oneOf: [
      { required: ['jwksUrl'], properties: { jwksUrl: { type: 'string' } } },
      { required: ['jwks'], properties: { jwks: { type: 'object' } } },
    ],
  })
  .describe('The identity provider whose tokens the app already holds. Exactly one of jwksUrl or jwks.');

const SOURCE = 'must be exactly one of { "file": path }, { "ssmParameter": name }, { "secretsManagerSecret": id }';
const secretSource = z.union(
  [
    z.strictObject({
      file: z.string().min(1).describe('Local file (tests, local emulator), relative to the working directory.'),
    }),
    z.strictObject({
      ssmParameter: z
        .string()
        .min(1)
        .describe('SSM Parameter Store SecureString name, read with WithDecryption once per cold start.'),
    }),
    z.strictObject({
      secretsManagerSecret: z
        .string()
        .min(1)
        .describe('Secrets Manager secret id or ARN (SecretString), read once per cold start.'),
    }),
  ],
  { error: SOURCE },
);
/** Where a secret is read from, once per cold start. Never the secret itself: key material stays out of the repo. */
export type SecretSource = z.output<typeof secretSource>;

const cloudfront = strictObject({
  // CloudFront public key IDs are upper-case letters and digits (e.g. K2JCJMDEHXQW5F); they go into cookies and URLs.
  keyPairId: matching(/^[A-Z0-9]{1,128}$/, 'must be a CloudFront public key ID (A-Z, 0-9)').describe(
    'CloudFront public key ID (Key-Pair-Id) of the key in the trusted key group.',
  ),
  hashAlgorithm: oneOf(['SHA1', 'SHA256'])
    .default(LOGIN_DEFAULTS.hashAlgorithm)
    .describe('The signature hash; SHA256 adds Hash-Algorithm / CloudFront-Hash-Algorithm.'),
  signedCookies: bool()
    .default(LOGIN_DEFAULTS.signedCookies)
    .describe('Set CloudFront signed cookies on login (scope: every file under pathPrefix).'),
  signedUrls: bool()
    .default(LOGIN_DEFAULTS.signedUrls)
    .describe('Add CloudFront signed-URL parameters to per-file links.'),
})
  .refine((section) => section.signedCookies || section.signedUrls, {
    path: ['signedCookies'],
    message: 'with both signedCookies and signedUrls false, remove the cloudfront section',
  })
  .meta({
    not: {
      required: ['signedCookies', 'signedUrls'],
      properties: { signedCookies: { const: false }, signedUrls: { const: false } },
    },
  });
export type CloudFrontSigningConfig = z.output<typeof cloudfront>;

const BIND_IP = ['never', 'optional', 'always'] as const;
const VIEWER_IP_SOURCES = ['sourceIp', 'cloudfront-viewer-address'] as const;

export const loginSchema = strictObject({
  identity,
  signingKid: text().describe('The gate key (keys[].kid) whose private half mints tenant tokens.'),
  sessionLifetimeSeconds: integer(1, 7 * DAY)
    .optional()
    .describe(
      `Session (tenant token and CloudFront cookies) lifetime; default ${LOGIN_DEFAULTS.sessionLifetimeSeconds} ` +
        "or maxTokenLifetimeSeconds if lower, at most maxTokenLifetimeSeconds, never past the identity token's exp.",
    ),
  bindIp: oneOf(BIND_IP)
    .default(LOGIN_DEFAULTS.bindIp)
    .describe(
      'IP binding of links (the gate checks their cip claim, IPv4 or IPv6; CloudFront adds its IpAddress condition for IPv4 viewers only) and of CloudFront signed cookies (IPv4 only).',
    ),
  viewerIpSource: oneOf(VIEWER_IP_SOURCES)
    .optional()
    .describe(
      'Where the viewer address comes from; required unless bindIp is never (then sourceIp). ' +
        'cloudfront-viewer-address only when the function URL is reachable solely through CloudFront.',
    ),
  links: strictObject({
    maxExpiresInSeconds: integer(1, 30 * DAY)
      .optional()
      .describe('Longest link lifetime; default and maximum maxLinkLifetimeSeconds.'),
    maxPaths: integer(1, 1000).default(LOGIN_DEFAULTS.maxPaths).describe('Most paths in one POST /auth/links.'),
  })
    .prefault({})
    .describe('Per-file links (POST /auth/links).'),
  cloudfront: cloudfront.nullable().default(null).describe('CloudFront signed cookies and URLs; null for none.'),
  claimMapping: claimMappingSchema,
  secrets: strictObject({
    signingKey: secretSource.describe('HS256 secret (base64url) or private PEM/JWK of signingKid.'),
    cloudfrontPrivateKey: secretSource
      .nullable()
      .default(null)
      .describe('RSA-2048 private PEM; required with cloudfront.'),
  }).describe('Where key material is read from, once per cold start; never the key itself.'),
})
  .superRefine((section, ctx) => {
    // No default when binding is possible: behind CloudFront, `sourceIp` is an edge server's address, and a
    // binding to it would be silently wrong. The operator has to say where the viewer address comes from.
    if (section.bindIp !== 'never' && section.viewerIpSource === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['viewerIpSource'],
        message: `must be one of ${VIEWER_IP_SOURCES.map((s) => shown(s)).join(', ')} (required unless bindIp is "never")`,
      });
    }
    const hasKey = section.secrets.cloudfrontPrivateKey !== null;
    if (section.cloudfront !== null && !hasKey) {
      ctx.addIssue({
        code: 'custom',
        path: ['secrets', 'cloudfrontPrivateKey'],
        message: 'required when login.cloudfront is set',
      });
    }
    if (section.cloudfront === null && hasKey) {
      ctx.addIssue({
        code: 'custom',
        path: ['secrets', 'cloudfrontPrivateKey'],
        message: 'given without login.cloudfront',
      });
    }
  })
  .meta({
    allOf: [
      {
        anyOf: [{ required: ['viewerIpSource'] }, { required: ['bindIp'], properties: { bindIp: { const: 'never' } } }],
      },
      {
        oneOf: [
          {
            required: ['cloudfront', 'secrets'],
            properties: {
              cloudfront: { type: 'object' },
              secrets: {
                type: 'object',
                required: ['cloudfrontPrivateKey'],
                properties: { cloudfrontPrivateKey: { type: 'object' } },
              },
            },
          },
          {
            properties: {
              cloudfront: { type: 'null' },
              secrets: { type: 'object', properties: { cloudfrontPrivateKey: { type: 'null' } } },
            },
          },
        ],
      },
    ],
  })
  .describe(
    'The login origin (/auth/*): turns an identity token into the tenant cookie, CloudFront signed cookies and per-file links.',
  );

type LoginInput = z.output<typeof loginSchema>;

/** The gate fields the login section is checked against. */
export interface GateFieldsForLogin {
  issuer: string;
  keys: readonly { kid: string }[];
  maxTokenLifetimeSeconds: number;
  maxLinkLifetimeSeconds: number;
}

/** The checks that need the gate's own fields; issues are reported under `login.`. */
export function checkLoginAgainstGate(login: LoginInput, gate: GateFieldsForLogin, ctx: z.RefinementCtx): void {
  const at = (...path: (string | number)[]) => ['login', ...path];
  // A tenant token must never be accepted as an identity: the two issuers have to differ.
  if (login.identity.issuer === gate.issuer) {
    ctx.addIssue({ code: 'custom', path: at('identity', 'issuer'), message: "must differ from the gate's own issuer" });
  }
  if (!gate.keys.some((key) => key.kid === login.signingKid)) {
    ctx.addIssue({
      code: 'custom',
      path: at('signingKid'),
      message: `must name one of keys[].kid, got ${shown(login.signingKid)}`,
    });
  }
  const session = login.sessionLifetimeSeconds;
  if (session !== undefined && session > gate.maxTokenLifetimeSeconds) {
    ctx.addIssue({
      code: 'custom',
      path: at('sessionLifetimeSeconds'),
      message: `must be an integer from 1 to ${gate.maxTokenLifetimeSeconds} (maxTokenLifetimeSeconds), got ${session}`,
    });
  }
  const links = login.links.maxExpiresInSeconds;
  if (links !== undefined && links > gate.maxLinkLifetimeSeconds) {
    ctx.addIssue({
      code: 'custom',
      path: at('links', 'maxExpiresInSeconds'),
      message: `must be an integer from 1 to ${gate.maxLinkLifetimeSeconds} (maxLinkLifetimeSeconds), got ${links}`,
    });
  }
}

/** The login section with the defaults that depend on the gate's fields written out. */
export function withLoginDefaults(login: LoginInput, gate: GateFieldsForLogin) {
  return {
    ...login,
    sessionLifetimeSeconds:
      login.sessionLifetimeSeconds ?? Math.min(LOGIN_DEFAULTS.sessionLifetimeSeconds, gate.maxTokenLifetimeSeconds),
    viewerIpSource: login.viewerIpSource ?? ('sourceIp' as const),
    links: {
      maxExpiresInSeconds: login.links.maxExpiresInSeconds ?? gate.maxLinkLifetimeSeconds,
      maxPaths: login.links.maxPaths,
    },
  };
}

export type LoginConfig = ReturnType<typeof withLoginDefaults>;
export type IdentityConfig = LoginConfig['identity'];
export type PublicJwks = NonNullable<IdentityConfig['jwks']>;
export type BindIpPolicy = LoginConfig['bindIp'];
/**
 * Where the viewer's address is read. `sourceIp`: the TCP peer of the function URL — right only when viewers
 * call it directly (local emulator). `cloudfront-viewer-address`: the `CloudFront-Viewer-Address` header that
 * CloudFront adds through the origin request policy — right only when the function URL can be reached through
 * CloudFront alone (AuthType AWS_IAM + origin access control), since anyone calling it directly could forge it.
 */
export type ViewerIpSource = LoginConfig['viewerIpSource'];

/** A gate configuration whose login section is present (the login function is built only then). */
export type LoginGateConfig = GateConfig & { login: LoginConfig };

export function hasLogin(config: GateConfig): config is LoginGateConfig {
  return config.login !== undefined;
}
