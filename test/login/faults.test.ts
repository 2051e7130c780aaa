/**
 * The login under faults (issue 9): a secret store or identity provider that stalls, fails or goes down answers
 * 503 with Retry-After within 3 s — never a 500, never a Lambda timeout — and a rotated secret or a provider
 * outage is handled from cached values, within bounds, on a frozen clock.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LoginGateConfig, SecretSource } from '../../config/login';
import { createIdentityVerifier } from '../../login/identity';
import { createIdentityKeySource } from '../../login/identity-keys';
import { degradedReason, type DegradedReport } from '../../login/degraded';
import { createKeyLoader } from '../../login/keys';
import {
  JWKS_MAX_STALENESS_SECONDS,
  JWKS_RETRY_INTERVAL_SECONDS,
  JWKS_TTL_SECONDS,
  JWKS_UNKNOWN_KID_COOLDOWN_SECONDS,
  RETRY_AFTER_SECONDS,
  SECRET_MAX_STALENESS_SECONDS,
  SECRET_TTL_SECONDS,
  SDK_CALL_TIMEOUT_MS,
} from '../../login/limits';
import { defaultSecretReaders, readSecret, type SecretReaders } from '../../login/secrets';
import { createLoginService, type LogEntry, type LoginResponse } from '../../login/service';
import {
  CF_PRIVATE_PEM,
  identityHeaders,
  identityToken,
  IDP_KID,
  IDP_PRIVATE_KEY,
  LOGIN_CONFIG,
  loginConfig,
  NOW,
  request,
  ROOT,
} from './helpers';

const SIGNING_SECRET = (await import('node:fs')).readFileSync(`${ROOT}/test/fixtures/login-signing-key.txt`, 'utf8');

/** The shipped config with both secrets in SSM. */
const SSM_CONFIG: LoginGateConfig = loginConfig({
  secrets: { signingKey: { ssmParameter: '/tg/hs' }, cloudfrontPrivateKey: { ssmParameter: '/tg/cf' } },
});

/** What the login reported as degraded: [dependency, reason, serving the last good value]. */
const reports: [string, string, boolean][] = [];
const report: DegradedReport = (dependency, error, servingStale) =>
  reports.push([dependency, degradedReason(error), servingStale]);
beforeEach(() => {
  reports.length = 0;
});

function outcome(response: LoginResponse): [number, unknown, string | undefined] {
  return [response.status, JSON.parse(response.body || 'null'), response.headers['retry-after']];
}

const UNAVAILABLE = (code: string) => [503, { error: code }, String(RETRY_AFTER_SECONDS)];

describe('a stalled secret store', () => {
  let server: Server;
  let endpoint = '';
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts the connection and the request, and never answers (the 12 s of the issue, and more).
    server = createServer(() => undefined);
    server.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((done) => server.close(() => done()));
  });

  const readers = () =>
    defaultSecretReaders(ROOT, {
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'AKIDTESTTESTTESTTEST', secretAccessKey: 'test' },
    });

  it.each<[string, SecretSource]>([
    ['SSM GetParameter', { ssmParameter: '/tg/hs' }],
    ['Secrets Manager GetSecretValue', { secretsManagerSecret: 'tg/hs' }],
  ])(`ends a %s call after ${SDK_CALL_TIMEOUT_MS} ms, retries included`, async (_name, source) => {
    const started = Date.now();
    await expect(readSecret(source, readers())).rejects.toThrow(/^cannot read .+: (TimeoutError|AbortError)$/);
    expect(Date.now() - started).toBeLessThan(SDK_CALL_TIMEOUT_MS + 500);
  });

  it('answers POST /auth/session 503 secrets_unavailable with Retry-After within 3 s', async () => {
    const logs: LogEntry[] = [];
    const svc = createLoginService(SSM_CONFIG, {
      keys: createKeyLoader(SSM_CONFIG, SSM_CONFIG.login, readers(), () => NOW, report),
      now: () => NOW,
      log: (entry) => logs.push(entry),
    });
    const started = Date.now();
    const response = await svc.handle(request({ method: 'POST', headers: identityHeaders(await identityToken()) }));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(outcome(response)).toEqual(UNAVAILABLE('secrets_unavailable'));
    expect(logs.at(-1)).toMatchObject({ login: 'refused', code: 'secrets_unavailable' });
  });
});

describe('reading the secrets', () => {
  it('reads the two secrets in parallel: a slow store costs one wait, not two', async () => {
    const started: string[] = [];
    const release: (() => void)[] = [];
    const slow = (value: string) => (name: string) =>
      new Promise<string>((resolve) => {
        started.push(name);
        release.push(() => resolve(value));
      });
    const readers: SecretReaders = {
      file: async () => '',
      ssmParameter: (name) => slow(name === '/tg/hs' ? SIGNING_SECRET : CF_PRIVATE_PEM)(name),
      secretsManagerSecret: async () => '',
    };
    const loading = createKeyLoader(SSM_CONFIG, SSM_CONFIG.login, readers, () => NOW, report)();
    await new Promise((done) => setImmediate(done));
    expect(started).toEqual(['/tg/hs', '/tg/cf']);
    for (const go of release) go();
    expect((await loading).cloudfront).not.toBeNull();
  });
});

describe('secrets cached with a TTL (SSM through aws-sdk-client-mock)', () => {
  let ssm: ReturnType<typeof mockClient>;
  beforeAll(() => {
    ssm = mockClient(SSMClient);
  });
  afterAll(() => ssm.restore());
  const rotated = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  let clock = NOW;
  let cfValue: string | 'down' = CF_PRIVATE_PEM;
  beforeEach(() => {
    clock = NOW;
    cfValue = CF_PRIVATE_PEM;
    ssm.reset();
    ssm.on(GetParameterCommand).callsFake(async (input: { Name: string }) => {
      if (input.Name === '/tg/cf' && cfValue === 'down')
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return { Parameter: { Type: 'SecureString', Value: input.Name === '/tg/hs' ? SIGNING_SECRET : cfValue } };
    });
  });

  const publicOf = async (load: () => Promise<{ cloudfront: import('node:crypto').KeyObject | null }>) =>
    createPublicKey((await load()).cloudfront!)
      .export({ type: 'spki', format: 'pem' })
      .toString();
  const publicPem = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();

  it('picks up a rotated secret after the TTL, without a cold start', async () => {
    const load = createKeyLoader(SSM_CONFIG, SSM_CONFIG.login, defaultSecretReaders(ROOT), () => clock, report);
    expect(await publicOf(load)).toBe(publicPem(CF_PRIVATE_PEM));
    cfValue = rotated;
    clock = NOW + SECRET_TTL_SECONDS - 1;
    expect(await publicOf(load)).toBe(publicPem(CF_PRIVATE_PEM));
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
    clock = NOW + SECRET_TTL_SECONDS;
    expect(await publicOf(load)).toBe(publicPem(rotated));
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(4);
  });

  it('keeps serving the last good keys while the store fails, then answers 503 past the staleness bound', async () => {
    const logs: LogEntry[] = [];
    const svc = createLoginService(SSM_CONFIG, {
      keys: createKeyLoader(SSM_CONFIG, SSM_CONFIG.login, defaultSecretReaders(ROOT), () => clock, report),
      now: () => clock,
      log: (entry) => logs.push(entry),
    });
    const post = async () =>
      svc.handle(
        request({
          method: 'POST',
          headers: identityHeaders(await identityToken({ claims: { iat: clock - 60, exp: clock + 3600 } })),
        }),
      );
    expect((await post()).status).toBe(204);
    cfValue = 'down';
    clock = NOW + SECRET_TTL_SECONDS;
    expect((await post()).status).toBe(204);
    clock = NOW + SECRET_MAX_STALENESS_SECONDS - 1;
    expect((await post()).status).toBe(204);
    clock = NOW + SECRET_MAX_STALENESS_SECONDS;
    expect(outcome(await post())).toEqual(UNAVAILABLE('secrets_unavailable'));
    expect(logs.at(-1)?.reason).toBe('cannot read SSM parameter /tg/cf: ThrottlingException');
    // Operators hear of the failing refresh while viewers are still served.
    const reason = 'cannot read SSM parameter /tg/cf: ThrottlingException';
    // (The last answer made no new attempt: the previous one failed within the retry interval.)
    expect(reports).toEqual([
      ['secrets', reason, true],
      ['secrets', reason, true],
    ]);
  });

  it('a malformed secret reaches no log line and no answer', async () => {
    const es = loginConfig({
      signingKid: 'es-2026-11',
      secrets: { signingKey: { ssmParameter: '/tg/es' }, cloudfrontPrivateKey: { ssmParameter: '/tg/cf' } },
    });
    ssm.on(GetParameterCommand, { Name: '/tg/es' }).resolves({
      // JSON.parse's message would quote the start of it: `Unexpected token 'S', "SECRET-MAT"... is not valid JSON`.
      Parameter: { Type: 'SecureString', Value: 'SECRET-MATERIAL-0123456789' },
    });
    const logs: LogEntry[] = [];
    const svc = createLoginService(es, {
      keys: createKeyLoader(es, es.login, defaultSecretReaders(ROOT), () => NOW, report),
      now: () => NOW,
      log: (entry) => logs.push(entry),
    });
    const response = await svc.handle(request({ method: 'POST', headers: identityHeaders(await identityToken()) }));
    expect([response.status, JSON.parse(response.body)]).toEqual([500, { error: 'internal_error' }]);
    expect(logs.at(-1)?.reason).toBe(
      'SSM parameter /tg/es: the signing key is neither a private PEM nor a private JWK',
    );
    expect(JSON.stringify(logs) + JSON.stringify(response) + JSON.stringify(reports)).not.toMatch(/SECRET/);
    expect(reports).toHaveLength(1);
  });
});

describe('a failing Secrets Manager (aws-sdk-client-mock)', () => {
  let sm: ReturnType<typeof mockClient>;
  beforeAll(() => {
    sm = mockClient(SecretsManagerClient);
  });
  afterAll(() => sm.restore());
  const config = loginConfig({
    secrets: {
      signingKey: { file: 'test/fixtures/login-signing-key.txt' },
      cloudfrontPrivateKey: { secretsManagerSecret: 'tg/cf' },
    },
  });

  it.each([
    ['throttled', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }), 'ThrottlingException'],
    [
      'access denied',
      Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }),
      'AccessDeniedException',
    ],
    [
      'unreachable',
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }),
      'ECONNREFUSED',
    ],
  ])('%s → 503 secrets_unavailable, the failure named and not quoted', async (_name, error, named) => {
    sm.reset();
    sm.on(GetSecretValueCommand).rejects(error);
    const logs: LogEntry[] = [];
    const svc = createLoginService(config, {
      keys: createKeyLoader(config, config.login, defaultSecretReaders(ROOT), () => NOW, report),
      now: () => NOW,
      log: (entry) => logs.push(entry),
    });
    const response = await svc.handle(request({ method: 'POST', headers: identityHeaders(await identityToken()) }));
    expect(outcome(response)).toEqual(UNAVAILABLE('secrets_unavailable'));
    expect(logs.at(-1)?.reason).toBe(`cannot read Secrets Manager secret tg/cf: ${named}`);
  });
});

describe('the identity provider under faults (a JWKS fake behind jose’s fetch)', () => {
  const JWKS = {
    keys: [{ ...createPublicKey(IDP_PRIVATE_KEY).export({ format: 'jwk' }), kid: IDP_KID, alg: 'ES256', use: 'sig' }],
  };
  const REMOTE: LoginGateConfig = {
    ...LOGIN_CONFIG,
    login: {
      ...LOGIN_CONFIG.login,
      identity: { ...LOGIN_CONFIG.login.identity, jwks: null, jwksUrl: 'https://idp.example.com/jwks.json' },
    },
  };
  let clock = NOW;
  let mode: 'up' | 'down' | 'stall' = 'up';
  let fetches = 0;
  const fakeFetch = ((_url: string, init: RequestInit) => {
    fetches++;
    if (mode === 'up') return Promise.resolve(Response.json(JWKS));
    if (mode === 'down') return Promise.resolve(new Response('<html>Service Unavailable</html>', { status: 503 }));
    return new Promise((_resolve, reject) =>
      init.signal!.addEventListener('abort', () => reject(init.signal!.reason as Error)),
    );
  }) as typeof fetch;

  function svc() {
    const identity = REMOTE.login.identity;
    const logs: LogEntry[] = [];
    const service = createLoginService(REMOTE, {
      keys: createKeyLoader(REMOTE, REMOTE.login, defaultSecretReaders(ROOT), () => clock, report),
      identity: createIdentityVerifier(
        identity,
        REMOTE,
        createIdentityKeySource(identity, { now: () => clock, fetch: fakeFetch, report }),
      ),
      now: () => clock,
      log: (entry) => logs.push(entry),
    });
    const post = async (options: { kid?: string } = {}) =>
      service.handle(
        request({
          method: 'POST',
          headers: identityHeaders(await identityToken({ claims: { iat: clock - 60, exp: clock + 3600 }, ...options })),
        }),
      );
    return { post, logs };
  }

  beforeEach(() => {
    clock = NOW;
    mode = 'up';
    fetches = 0;
  });

  it('keeps verifying with the last good keys while the provider is down, for 24 h', async () => {
    const { post } = svc();
    expect((await post()).status).toBe(204);
    mode = 'down';
    clock = NOW + JWKS_TTL_SECONDS + 1;
    expect((await post()).status).toBe(204);
    clock = NOW + JWKS_MAX_STALENESS_SECONDS - 1;
    expect((await post()).status).toBe(204);
    clock = NOW + JWKS_MAX_STALENESS_SECONDS;
    expect(outcome(await post())).toEqual(UNAVAILABLE('identity_unavailable'));
    expect(reports).toEqual([
      ['jwks', 'JWKS: JOSEError ERR_JOSE_GENERIC', true],
      ['jwks', 'JWKS: JOSEError ERR_JOSE_GENERIC', true],
    ]);
  });

  it('refetches at a bounded rate: one fetch in flight, none within the retry interval after a failure', async () => {
    const { post } = svc();
    await post();
    expect(fetches).toBe(1);
    mode = 'down';
    clock = NOW + JWKS_TTL_SECONDS;
    expect((await Promise.all([post(), post(), post(), post()])).map((r) => r.status)).toEqual([204, 204, 204, 204]);
    expect(fetches).toBe(2);
    clock += JWKS_RETRY_INTERVAL_SECONDS - 1;
    await post();
    expect(fetches).toBe(2);
    clock += 1;
    await post();
    expect(fetches).toBe(3);
  });

  it('refetches for an unknown kid at most every cooldown', async () => {
    const { post } = svc();
    await post();
    clock = NOW + JWKS_UNKNOWN_KID_COOLDOWN_SECONDS - 1;
    expect(JSON.parse((await post({ kid: 'rotated' })).body)).toEqual({ error: 'invalid_identity' });
    expect(fetches).toBe(1);
    clock = NOW + JWKS_UNKNOWN_KID_COOLDOWN_SECONDS;
    expect(JSON.parse((await post({ kid: 'rotated' })).body)).toEqual({ error: 'invalid_identity' });
    expect(fetches).toBe(2);
  });

  it('answers 503 at once when the provider is down with no keys cached, and logs none of its page', async () => {
    mode = 'down';
    const { post, logs } = svc();
    expect(outcome(await post())).toEqual(UNAVAILABLE('identity_unavailable'));
    expect(outcome(await post())).toEqual(UNAVAILABLE('identity_unavailable'));
    expect(fetches).toBe(1);
    expect(reports).toEqual([['jwks', 'JWKS: JOSEError ERR_JOSE_GENERIC', false]]);
    expect(JSON.stringify(logs) + JSON.stringify(reports)).not.toMatch(/html|Service Unavailable/);
  });

  it('answers 503 within 3 s when the provider stalls', async () => {
    mode = 'stall';
    const { post } = svc();
    const started = Date.now();
    expect(outcome(await post())).toEqual(UNAVAILABLE('identity_unavailable'));
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
