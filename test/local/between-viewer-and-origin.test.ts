/**
 * What CloudFront does between viewer and origin, where it changes the outcome (docs/platform.md): origin request
 * policies (what reaches the origin), cache policies (what keys the cache), origin access control on a function
 * URL, response headers policies (Override), custom error responses, request limits and the origin read timeout.
 */
import { createHash } from 'node:crypto';
import type { CachePolicyConfig } from '@aws-sdk/client-cloudfront';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MANAGED_POLICIES, MANAGED_POLICY_IDS } from '../../lib/distribution/policies';
import { cacheKey, cachePolicyFrom, MANAGED_CACHE_POLICIES, type CachePolicy } from '../../local/cache';
import { manualClock } from '../../local/clock';
import type { CustomErrorResponse } from '../../local/custom-error-responses';
import { ALL_METHODS, Distribution, type Behavior } from '../../local/distribution';
import { header, response, type EdgeRequest, type EdgeResponse, type HeaderList } from '../../local/http-message';
import { functionOrigin, type Origin } from '../../local/origin';
import { createLocalIam, type SigningBehavior } from '../../local/origin-access-control';
import { lambdaUrlOrigin, type FunctionUrlHandler } from '../../local/origin-lambda-url';
import { originRequestPolicyFrom, toOriginRequest, NO_ORIGIN_REQUEST_POLICY } from '../../local/origin-request-policy';
import { applyResponseHeadersPolicy, responseHeadersPolicyFrom } from '../../local/response-headers-policy';
import { loginOriginRequest, loginOriginRequestPolicyConfig } from '../../login/origin-request';
import { gateFunction, KEY_GROUP, NOW_S, viewerRequest } from './helpers';

const OPTIMIZED = MANAGED_CACHE_POLICIES.CachingOptimized!;
const DISABLED = MANAGED_CACHE_POLICIES.CachingDisabled!;
const orp = (id: string) => originRequestPolicyFrom(MANAGED_POLICIES.originRequest[id]!);
const ALL_VIEWER = orp(MANAGED_POLICY_IDS.AllViewer);
const ALL_VIEWER_EXCEPT_HOST = orp(MANAGED_POLICY_IDS.AllViewerExceptHostHeader);
const ALL_VIEWER_AND_CLOUDFRONT = orp('33f36d7e-f396-46d9-90e0-52428a34d9dc');
const CORS_S3 = orp('88a5eaf4-2fd4-4709-b370-b4c650ea3fcf');
/** The stack's TenantGateLoginOriginRequestPolicy, from the one list (session cookie named `session` here). */
const LOGIN_POLICY = originRequestPolicyFrom(
  loginOriginRequestPolicyConfig(
    'login',
    loginOriginRequest({ cookieName: 'session', login: { identity: { tokenHeader: 'x-identity-token' } } }),
  ),
);
const ORIGIN_DOMAIN = 'abc123.lambda-url.us-east-1.on.aws';

/** A viewer request with a bit of everything an origin might or might not get. */
function busyRequest(): EdgeRequest {
  return viewerRequest('/api/x?a=1&b=2&token=t', {
    method: 'GET',
    headers: [
      ['Origin', 'https://app.example'],
      ['Accept-Language', 'fr'],
      ['X-Identity-Token', 'id'],
      ['X-Forwarded-For', '192.0.2.1'],
      ['CloudFront-Viewer-Address', '6.6.6.6:1'],
    ],
    cookie: 'session=s; theme=dark',
  });
}

describe('origin request policies: what reaches the origin on a miss', () => {
  const seen = (cache: CachePolicy, policy = NO_ORIGIN_REQUEST_POLICY) =>
    toOriginRequest(busyRequest(), cache, policy, { domainName: ORIGIN_DOMAIN });
  const names = (headers: HeaderList) => headers.map(([n]) => n.toLowerCase()).sort();

  it.each<[string, CachePolicy, ReturnType<typeof orp>, Record<string, string | undefined>, string]>([
    [
      'CachingDisabled, no origin request policy: only what CloudFront adds',
      DISABLED,
      NO_ORIGIN_REQUEST_POLICY,
      {
        host: ORIGIN_DOMAIN,
        'user-agent': 'Amazon CloudFront',
        'x-identity-token': undefined,
        cookie: undefined,
        'accept-language': undefined,
        'x-forwarded-for': '192.0.2.1, 203.0.113.10',
        'cloudfront-viewer-address': undefined,
      },
      '',
    ],
    [
      'AllViewer: every viewer header, the viewer Host included, cookies, query',
      DISABLED,
      ALL_VIEWER,
      { host: '127.0.0.1:8787', 'user-agent': 'test', 'x-identity-token': 'id', cookie: 'session=s; theme=dark' },
      'a=1&b=2&token=t',
    ],
    [
      'AllViewerExceptHostHeader: every viewer header but Host (the origin domain instead); no CloudFront-Viewer-Address',
      DISABLED,
      ALL_VIEWER_EXCEPT_HOST,
      {
        host: ORIGIN_DOMAIN,
        'x-identity-token': 'id',
        'accept-language': 'fr',
        cookie: 'session=s; theme=dark',
        'cloudfront-viewer-address': undefined,
      },
      'a=1&b=2&token=t',
    ],
    [
      'AllViewerAndCloudFrontHeaders-2022-06: CloudFront-Viewer-Address from the connection, never from the viewer',
      DISABLED,
      ALL_VIEWER_AND_CLOUDFRONT,
      { 'cloudfront-viewer-address': '203.0.113.10:50000', 'cloudfront-forwarded-proto': 'https' },
      'a=1&b=2&token=t',
    ],
    [
      "the stack's login policy: what the login reads, its session cookie, CloudFront-Viewer-Address from the connection; not Host",
      DISABLED,
      LOGIN_POLICY,
      {
        host: ORIGIN_DOMAIN,
        origin: 'https://app.example',
        'x-identity-token': 'id',
        'accept-language': undefined,
        'user-agent': 'Amazon CloudFront',
        cookie: 'session=s',
        'cloudfront-viewer-address': '203.0.113.10:50000',
      },
      '',
    ],
    [
      'CORS-S3Origin: Origin only, no cookies, no query',
      OPTIMIZED,
      CORS_S3,
      { origin: 'https://app.example', cookie: undefined, 'accept-language': undefined },
      '',
    ],
  ])('%s', (_, cache, policy, expected, query) => {
    const forwarded = seen(cache, policy);
    for (const [name, value] of Object.entries(expected))
      expect([name, header(forwarded.headers, name)]).toEqual([name, value]);
    expect(forwarded.querystring).toBe(query);
    expect(header(forwarded.headers, 'x-amz-cf-id')).toBe(forwarded.requestId);
  });

  it("the cache policy's key values reach the origin too (whitelisted header, cookie and query parameter)", () => {
    const keyed = cachePolicyFrom({
      Name: 'keyed',
      MinTTL: 1,
      DefaultTTL: 60,
      MaxTTL: 60,
      ParametersInCacheKeyAndForwardedToOrigin: {
        EnableAcceptEncodingGzip: false,
        HeadersConfig: { HeaderBehavior: 'whitelist', Headers: { Quantity: 1, Items: ['Accept-Language'] } },
        CookiesConfig: { CookieBehavior: 'whitelist', Cookies: { Quantity: 1, Items: ['theme'] } },
        QueryStringsConfig: { QueryStringBehavior: 'allExcept', QueryStrings: { Quantity: 1, Items: ['token'] } },
      },
    });
    const forwarded = seen(keyed);
    expect(header(forwarded.headers, 'accept-language')).toBe('fr');
    expect(header(forwarded.headers, 'cookie')).toBe('theme=dark');
    expect(forwarded.querystring).toBe('a=1&b=2');
    expect(names(forwarded.headers)).not.toContain('x-identity-token');
  });
});

describe('cache policies: the key holds what the policy names', () => {
  type KeyParameters = NonNullable<CachePolicyConfig['ParametersInCacheKeyAndForwardedToOrigin']>;
  const policy = (key: Partial<KeyParameters>) =>
    cachePolicyFrom({
      Name: 'p',
      MinTTL: 1,
      DefaultTTL: 60,
      MaxTTL: 60,
      ParametersInCacheKeyAndForwardedToOrigin: {
        EnableAcceptEncodingGzip: false,
        HeadersConfig: { HeaderBehavior: 'none' },
        CookiesConfig: { CookieBehavior: 'none' },
        QueryStringsConfig: { QueryStringBehavior: 'none' },
        ...key,
      },
    });
  const base = { EnableAcceptEncodingGzip: false } as const;
  const distribution = (cache: CachePolicy) => {
    const origin = countingEcho();
    return {
      origin,
      distribution: new Distribution({
        domain: 'localhost',
        behaviors: [{ pathPattern: '*', origin, cachePolicy: cache }],
        clock: manualClock(NOW_S * 1000),
      }),
    };
  };

  it.each<[string, CachePolicy, [HeaderList, string][], number]>([
    [
      'CachingOptimized: cookies and query do not split the key',
      OPTIMIZED,
      [
        [[['Cookie', 'a=1']], 'x=1'],
        [[['Cookie', 'a=2']], 'x=2'],
      ],
      1,
    ],
    [
      'a whitelisted cookie splits the key',
      policy({ ...base, CookiesConfig: { CookieBehavior: 'whitelist', Cookies: { Quantity: 1, Items: ['a'] } } }),
      [
        [[['Cookie', 'a=1; b=1']], ''],
        [[['Cookie', 'a=2; b=1']], ''],
        [[['Cookie', 'b=9; a=1']], ''],
      ],
      2,
    ],
    [
      'a whitelisted header splits the key',
      policy({
        ...base,
        HeadersConfig: { HeaderBehavior: 'whitelist', Headers: { Quantity: 1, Items: ['Accept-Language'] } },
      }),
      [
        [[['Accept-Language', 'fr']], ''],
        [[['Accept-Language', 'de']], ''],
        [[['accept-language', 'fr']], ''],
      ],
      2,
    ],
    [
      'query strings allExcept token: the token never splits the key',
      policy({
        ...base,
        QueryStringsConfig: { QueryStringBehavior: 'allExcept', QueryStrings: { Quantity: 1, Items: ['token'] } },
      }),
      [
        [[], 'v=1&token=a'],
        [[], 'v=1&token=b'],
        [[], 'v=2&token=a'],
      ],
      2,
    ],
  ])('%s', async (_, cache, requests, misses) => {
    const { origin, distribution: d } = distribution(cache);
    for (const [headers, query] of requests)
      await d.handle(viewerRequest(`/a${query === '' ? '' : `?${query}`}`, { headers }));
    expect(origin.calls).toHaveLength(misses);
  });

  it('legacy ForwardedValues key on what they forward, with the behavior TTLs', async () => {
    const { legacyCachePolicy } = await import('../../local/cache');
    const legacy = legacyCachePolicy({
      TargetOriginId: 'o',
      ViewerProtocolPolicy: 'allow-all',
      ForwardedValues: {
        QueryString: true,
        Cookies: { Forward: 'none' },
        Headers: { Quantity: 0 },
        QueryStringCacheKeys: { Quantity: 1, Items: ['v'] },
      },
      MinTTL: 0,
      DefaultTTL: 5,
      MaxTTL: 10,
    });
    expect(legacy).toMatchObject({ defaultTtl: 5, maxTtl: 10, queryStrings: { behavior: 'whitelist', names: ['v'] } });
  });
});

function countingEcho(): Origin & { calls: EdgeRequest[] } {
  const calls: EdgeRequest[] = [];
  return {
    description: 'echo',
    calls,
    async fetch(request) {
      calls.push(request);
      return response(200, [['content-type', 'text/plain']], `${request.method} ${request.uri}`);
    },
  };
}

describe('origin access control on an AWS_IAM function URL', () => {
  const login: FunctionUrlHandler = async (event) => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      authorization: event.headers.authorization ?? null,
      token: event.headers['x-identity-token'] ?? null,
    }),
  });
  const hash = (body: string) => createHash('sha256').update(body).digest('hex');

  function loginDistribution(signing: SigningBehavior | undefined, policy = ALL_VIEWER_EXCEPT_HOST) {
    const iam = createLocalIam();
    const notes: string[] = [];
    const behavior: Behavior = {
      pathPattern: '*',
      origin: lambdaUrlOrigin(login, {
        authType: 'AWS_IAM',
        iam,
        domainName: ORIGIN_DOMAIN,
        note: (n) => notes.push(n),
      }),
      originDomainName: ORIGIN_DOMAIN,
      allowedMethods: ALL_METHODS,
      cachePolicy: DISABLED,
      originRequestPolicy: policy,
      ...(signing === undefined ? {} : { originAccessControl: { id: 'oac', signingBehavior: signing } }),
    };
    return {
      notes,
      distribution: new Distribution({
        domain: 'localhost',
        behaviors: [behavior],
        clock: manualClock(NOW_S * 1000),
        iam,
      }),
    };
  }
  const post = (body: string, headers: HeaderList) => ({
    ...viewerRequest('/auth/session', { method: 'POST', headers }),
    body: Buffer.from(body),
  });

  it.each<[string, SigningBehavior | undefined, EdgeRequest, number, Record<string, unknown> | undefined]>([
    [
      'identity token in x-identity-token, body hash given: signed, invoked',
      'always',
      post('{}', [
        ['x-identity-token', 'id'],
        ['x-amz-content-sha256', hash('{}')],
      ]),
      200,
      { token: 'id' },
    ],
    [
      'identity token in Authorization, signing always: the viewer Authorization is replaced, the function never sees the token',
      'always',
      post('{}', [
        ['Authorization', 'Bearer id'],
        ['x-amz-content-sha256', hash('{}')],
      ]),
      200,
      { token: null, authorization: expect.stringMatching(/^AWS4-HMAC-SHA256 /) },
    ],
    [
      'identity token in Authorization, signing no-override: the unsigned viewer Authorization reaches the URL, 403',
      'no-override',
      post('{}', [
        ['Authorization', 'Bearer id'],
        ['x-amz-content-sha256', hash('{}')],
      ]),
      403,
      undefined,
    ],
    [
      'no origin access control: not signed, 403',
      undefined,
      post('{}', [['x-amz-content-sha256', hash('{}')]]),
      403,
      undefined,
    ],
    ['signing never: 403', 'never', post('{}', [['x-amz-content-sha256', hash('{}')]]), 403, undefined],
    [
      'POST without x-amz-content-sha256: unsigned payload, 403',
      'always',
      post('{}', [['x-identity-token', 'id']]),
      403,
      undefined,
    ],
    [
      'POST whose x-amz-content-sha256 is not its body: 403',
      'always',
      post('{"a":1}', [['x-amz-content-sha256', hash('{}')]]),
      403,
      undefined,
    ],
    [
      'GET without a body hash: signed with the empty payload, invoked',
      'always',
      viewerRequest('/auth/session'),
      200,
      { token: null },
    ],
  ])('%s', async (_, signing, request, status, body) => {
    const { distribution } = loginDistribution(signing);
    const { response: answer } = await distribution.handle(request);
    expect(answer.status).toBe(status);
    if (body !== undefined) expect(JSON.parse(answer.body.toString())).toMatchObject(body);
    else expect(JSON.parse(answer.body.toString())).toEqual({ Message: 'Forbidden' });
  });

  it("AllViewer forwards the viewer's Host: the function URL refuses a Host not its own (403)", async () => {
    const { distribution, notes } = loginDistribution('always', ALL_VIEWER);
    const { response: answer } = await distribution.handle(post('{}', [['x-amz-content-sha256', hash('{}')]]));
    expect(answer.status).toBe(403);
    expect(notes.join('\n')).toMatch(/Host localhost is not the function URL's own/);
  });
});

describe('response headers policies: custom headers with Override', () => {
  const policy = responseHeadersPolicyFrom({
    Name: 'p',
    CustomHeadersConfig: {
      Quantity: 2,
      Items: [
        { Header: 'Cache-Control', Value: 'private, no-cache', Override: true },
        { Header: 'X-Frame-Options', Value: 'DENY', Override: false },
      ],
    },
    RemoveHeadersConfig: { Quantity: 1, Items: [{ Header: 'Server' }] },
  });
  it.each<[string, HeaderList, Record<string, string | undefined>]>([
    ['added when the origin sends none', [], { 'cache-control': 'private, no-cache', 'x-frame-options': 'DENY' }],
    [
      "Override: true replaces the origin's, Override: false keeps it",
      [
        ['Cache-Control', 'max-age=3600'],
        ['X-Frame-Options', 'SAMEORIGIN'],
      ],
      { 'cache-control': 'private, no-cache', 'x-frame-options': 'SAMEORIGIN' },
    ],
    ['RemoveHeadersConfig takes a header out', [['Server', 'AmazonS3']], { server: undefined }],
  ])('%s', (_, origin, expected) => {
    const out = applyResponseHeadersPolicy(policy, origin);
    for (const [name, value] of Object.entries(expected)) expect(header(out, name)).toBe(value);
  });
});

describe('custom error responses', () => {
  const page = functionOrigin('errors', async (request) =>
    request.uri === '/errors/403.json'
      ? response(200, [['content-type', 'application/json']], '{"by":"CloudFront"}')
      : response(404, [], 'no page'),
  );
  const rules = (entries: CustomErrorResponse[]) => new Map(entries.map((e) => [e.errorCode, e]));
  const rule403: CustomErrorResponse = {
    errorCode: 403,
    pagePath: '/errors/403.json',
    responseCode: 403,
    errorCachingMinTtl: 0,
  };

  const forbidden = functionOrigin('bucket', async () =>
    response(403, [['content-type', 'application/xml']], '<Error><Code>AccessDenied</Code></Error>'),
  );
  async function withErrorPage(source: 'origin' | 'key-group' | 'gate' | 'missing-page'): Promise<Distribution> {
    const clock = manualClock(NOW_S * 1000);
    const files: Behavior = {
      pathPattern: '/files/*',
      origin: forbidden,
      cachePolicy: OPTIMIZED,
      ...(source === 'key-group' ? { trustedKeyGroup: KEY_GROUP } : {}),
      ...(source === 'gate' ? { viewerRequest: await gateFunction('lambda-edge', clock) } : {}),
    };
    return new Distribution({
      domain: 'localhost',
      behaviors: [
        { pathPattern: '/errors/*', origin: page, cachePolicy: OPTIMIZED },
        files,
        { pathPattern: '*', origin: forbidden, cachePolicy: DISABLED },
      ],
      clock,
      customErrorResponses: rules([
        source === 'missing-page' ? { ...rule403, pagePath: '/errors/none.json' } : rule403,
      ]),
    });
  }

  it.each<[string, 'origin' | 'key-group' | 'gate' | 'missing-page', number, string]>([
    ["an origin's 403 becomes the page", 'origin', 403, '{"by":"CloudFront"}'],
    ["CloudFront's own refusal (trusted key group) becomes the page", 'key-group', 403, '{"by":"CloudFront"}'],
    ["the gate's generated 401 is never replaced", 'gate', 401, '"error"'],
    ['a page that cannot be had: the original error goes out', 'missing-page', 403, 'AccessDenied'],
  ])('%s', async (_, source, status, body) => {
    const distribution = await withErrorPage(source);
    const { response: answer } = await distribution.handle(viewerRequest('/files/welcome.txt'));
    expect([answer.status, answer.body.toString()]).toEqual([status, expect.stringContaining(body)]);
  });

  it("caches an origin's error for ErrorCachingMinTTL on a caching behavior, 10 s by default", async () => {
    const origin = countingEcho();
    let status = 404;
    const flaky: Origin = {
      description: 'flaky',
      fetch: async (r) => (await origin.fetch(r), response(status, [], 'x')),
    };
    const clock = manualClock(NOW_S * 1000);
    const distribution = new Distribution({
      domain: 'localhost',
      behaviors: [{ pathPattern: '*', origin: flaky, cachePolicy: OPTIMIZED }],
      clock,
    });
    expect((await distribution.handle(viewerRequest('/a'))).response.status).toBe(404);
    status = 200;
    clock.advance(9_000);
    expect((await distribution.handle(viewerRequest('/a'))).response.status).toBe(404);
    clock.advance(1_000);
    expect((await distribution.handle(viewerRequest('/a'))).response.status).toBe(200);
    expect(origin.calls).toHaveLength(2);
  });
});

describe("CloudFront's limits where a local server differs", () => {
  const echo = countingEcho();
  const distribution = new Distribution({
    domain: 'localhost',
    behaviors: [{ pathPattern: '*', origin: echo, cachePolicy: DISABLED }],
    clock: manualClock(NOW_S * 1000),
  });
  it.each<[string, EdgeRequest, number]>([
    ['a URL of 8,192 bytes passes', viewerRequest(`/${'a'.repeat(8191)}`), 200],
    ['a URL over 8,192 bytes: 413', viewerRequest(`/${'a'.repeat(8192)}`), 413],
    ['headers within 20,480 bytes pass', viewerRequest('/a', { headers: [['X-Big', 'b'.repeat(19_000)]] }), 200],
    [
      'request line and headers over 20,480 bytes: 413',
      viewerRequest('/a', { headers: [['X-Big', 'b'.repeat(20_480)]] }),
      413,
    ],
  ])('%s', async (_, request, status) => {
    expect((await distribution.handle(request)).response.status).toBe(status);
  });

  it('an origin silent past its OriginReadTimeout: 504', async () => {
    const silent: Origin = { description: 'silent', fetch: () => new Promise<EdgeResponse>(() => {}) };
    const d = new Distribution({
      domain: 'localhost',
      behaviors: [{ pathPattern: '*', origin: silent, cachePolicy: DISABLED, originReadTimeoutSeconds: 0.05 }],
      clock: manualClock(NOW_S * 1000),
    });
    const { response: answer, resultType } = await d.handle(viewerRequest('/a'));
    expect([answer.status, resultType]).toEqual([504, 'Error']);
  });
});

describe('invariants over any viewer request', () => {
  const token = fc.stringMatching(/^[A-Za-z0-9-]{1,12}$/);
  const headerValue = fc.stringMatching(/^[ -~]{0,40}$/);
  const viewerHeaders = fc.array(fc.tuple(token, headerValue), { maxLength: 8 });
  const cookies = fc.array(fc.tuple(token, token), { maxLength: 5 });
  const query = fc.array(fc.tuple(token, token), { maxLength: 5 });
  const build = (headers: [string, string][], jar: [string, string][], q: [string, string][]): EdgeRequest => {
    const target = `/files/a.txt${q.length === 0 ? '' : `?${q.map(([k, v]) => `${k}=${v}`).join('&')}`}`;
    return viewerRequest(target, {
      headers,
      ...(jar.length === 0 ? {} : { cookie: jar.map(([k, v]) => `${k}=${v}`).join('; ') }),
    });
  };

  it('CachingOptimized keys on the uri alone: no header, cookie or query value splits it', () => {
    fc.assert(
      fc.property(viewerHeaders, cookies, query, (headers, jar, q) => {
        const request = build(headers, jar, q);
        expect(cacheKey(OPTIMIZED, request, 'localhost')).toBe('GET|HEAD localhost/files/a.txt');
      }),
    );
  });

  it('without an origin request policy, no viewer header, cookie or query reaches the origin', () => {
    fc.assert(
      fc.property(viewerHeaders, cookies, query, (headers, jar, q) => {
        const forwarded = toOriginRequest(build(headers, jar, q), DISABLED, NO_ORIGIN_REQUEST_POLICY, {
          domainName: ORIGIN_DOMAIN,
        });
        const names = new Set(forwarded.headers.map(([n]) => n.toLowerCase()));
        for (const name of names)
          expect(['host', 'user-agent', 'x-forwarded-for', 'via', 'x-amz-cf-id']).toContain(name);
        expect(header(forwarded.headers, 'host')).toBe(ORIGIN_DOMAIN);
        expect(forwarded.querystring).toBe('');
      }),
    );
  });

  it('under signing "always", a viewer Authorization never reaches the function URL, and a body is accepted only with its own hash', () => {
    const iam = createLocalIam();
    fc.assert(
      fc.property(headerValue, fc.string({ maxLength: 64 }), fc.boolean(), (authorization, body, honest) => {
        const hashed = createHash('sha256').update(body).digest('hex');
        const request: EdgeRequest = {
          ...viewerRequest('/auth/session', {
            method: 'POST',
            headers: [
              ['Authorization', authorization],
              ['x-amz-content-sha256', honest ? hashed : createHash('sha256').update(`${body}!`).digest('hex')],
            ],
          }),
          body: Buffer.from(body),
        };
        const signed = iam.sign(request, { id: 'oac', signingBehavior: 'always' }, NOW_S * 1000);
        expect(header(signed.headers, 'authorization')).toMatch(/^AWS4-HMAC-SHA256 /);
        expect(iam.refusal(signed) === undefined).toBe(honest);
        expect(iam.refusal(request)).toBeDefined();
      }),
    );
  });
});
