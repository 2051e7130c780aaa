/**
 * Key material: read from files, SSM SecureString or Secrets Manager (fakes, no network), once per cold start,
 * and checked against the configuration before first use.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { KeyConfig } from '../../config/gate';
import {
  cloudFrontPublicKeyPem,
  createKeyLoader,
  parseCloudFrontPrivateKey,
  parseSigningKey,
  withheldSecrets,
} from '../../login/keys';
import { defaultSecretReaders, readSecret, type SecretReaders } from '../../login/secrets';
import { privateKey } from '../helpers/keys';
import { CF_PRIVATE_PEM, LOGIN_CONFIG, ROOT } from './helpers';

const ssm = mockClient(SSMClient);
const secretsManager = mockClient(SecretsManagerClient);

beforeEach(() => {
  ssm.reset();
  secretsManager.reset();
  ssm
    .on(GetParameterCommand)
    .callsFake(async (input: { Name: string }) =>
      input.Name === '/plain'
        ? { Parameter: { Type: 'String', Value: 'x' } }
        : { Parameter: { Type: 'SecureString', Value: `secret-of-${input.Name}` } },
    );
  secretsManager
    .on(GetSecretValueCommand)
    .callsFake(async (input: { SecretId: string }) =>
      input.SecretId === 'binary'
        ? { SecretBinary: new Uint8Array([1]) }
        : { SecretString: `secret-of-${input.SecretId}` },
    );
});

const SIGNING_SECRET = readFileSync(join(ROOT, 'test/fixtures/login-signing-key.txt'), 'utf8');
const hsKey = LOGIN_CONFIG.keys.find((k) => k.kid === 'hs-2026-11')!;
const esKey = LOGIN_CONFIG.keys.find((k) => k.kid === 'es-2026-11')!;

describe('secret readers', () => {
  const readers = defaultSecretReaders(ROOT);

  it('reads an SSM SecureString with decryption', async () => {
    expect(await readSecret({ ssmParameter: '/tg/signing' }, readers)).toBe('secret-of-/tg/signing');
    expect(ssm.commandCalls(GetParameterCommand).map((call) => call.args[0].input)).toEqual([
      { Name: '/tg/signing', WithDecryption: true },
    ]);
  });

  it('refuses a plain String parameter (the key would sit unencrypted)', async () => {
    await expect(readSecret({ ssmParameter: '/plain' }, readers)).rejects.toThrow(
      'cannot read SSM parameter /plain: SSM parameter /plain must be a SecureString',
    );
  });

  it('reads a Secrets Manager SecretString, and refuses a binary secret', async () => {
    expect(await readSecret({ secretsManagerSecret: 'tg/cf' }, readers)).toBe('secret-of-tg/cf');
    expect(secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input)).toEqual([
      { SecretId: 'tg/cf' },
    ]);
    await expect(readSecret({ secretsManagerSecret: 'binary' }, readers)).rejects.toThrow(/no SecretString/);
  });

  it('reads a file relative to the base directory, naming it when missing', async () => {
    expect(await readSecret({ file: 'test/fixtures/login-signing-key.txt' }, readers)).toBe(SIGNING_SECRET);
    await expect(readSecret({ file: 'nope.pem' }, readers)).rejects.toThrow(/^cannot read file nope\.pem: ENOENT$/);
  });
});

describe('loading the keys', () => {
  it('loads the configured keys through the port, each source read once', async () => {
    const calls: string[] = [];
    const readers: SecretReaders = {
      file: async () => {
        throw new Error('no files here');
      },
      ssmParameter: async (name) => {
        calls.push(name);
        return SIGNING_SECRET;
      },
      secretsManagerSecret: async (id) => {
        calls.push(id);
        return CF_PRIVATE_PEM;
      },
    };
    const login = {
      ...LOGIN_CONFIG.login,
      secrets: { signingKey: { ssmParameter: '/tg/hs' }, cloudfrontPrivateKey: { secretsManagerSecret: 'tg/cf' } },
    };
    const load = createKeyLoader(LOGIN_CONFIG, login, readers);
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(calls).toEqual(['/tg/hs', 'tg/cf']);
    expect(a.signing.kid).toBe('hs-2026-11');
    expect(a.cloudfront?.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });
});

describe('parsing and checking the keys', () => {
  it('accepts the HS256 secret of the signing kid, refuses another', async () => {
    expect((await parseSigningKey(`${SIGNING_SECRET}\n`, hsKey)).alg).toBe('HS256');
    const other = { ...hsKey, secret: 'B2T3s5UREtKwkpjOiPniqhi8M5Mccmx6hIBQP97hwn-tkS_WfEVzc8DDzhBnIDsk' } as KeyConfig;
    await expect(parseSigningKey(SIGNING_SECRET, other)).rejects.toThrow(
      'the signing key is not the HS256 secret of gate key "hs-2026-11"',
    );
    await expect(parseSigningKey('short', hsKey)).rejects.toThrow(/at least 32 bytes/);
  });

  it('accepts an ES256 private key as PEM or JWK, and refuses a foreign one', async () => {
    const es = privateKey('es-2026-11');
    expect((await parseSigningKey(es.export({ type: 'pkcs8', format: 'pem' }).toString(), esKey)).alg).toBe('ES256');
    expect((await parseSigningKey(JSON.stringify(es.export({ format: 'jwk' })), esKey)).alg).toBe('ES256');
    const foreign = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    await expect(parseSigningKey(foreign, esKey)).rejects.toThrow(
      /not the private half of gate key "es-2026-11" \(x differs\)/,
    );
    await expect(parseSigningKey('garbage', esKey)).rejects.toThrow(/neither a private PEM nor a private JWK/);
  });

  it('takes RSA-2048 CloudFront keys only', () => {
    const key = parseCloudFrontPrivateKey(CF_PRIVATE_PEM);
    expect(cloudFrontPublicKeyPem(key)).toBe(createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString());
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() => parseCloudFrontPrivateKey(small)).toThrow('the CloudFront private key must be RSA-2048');
    expect(() => parseCloudFrontPrivateKey('nope')).toThrow(/not a private PEM/);
  });

  it('withholds every HS256 secret from what the login bundle embeds', () => {
    const embedded = JSON.stringify(withheldSecrets(LOGIN_CONFIG));
    for (const key of LOGIN_CONFIG.keys) if (key.alg === 'HS256') expect(embedded).not.toContain(key.secret);
  });

  it('verifies sessions of the signing kid with the loaded secret when the bundle withholds it', async () => {
    const config = withheldSecrets(LOGIN_CONFIG);
    const keys = await createKeyLoader(config, config.login, defaultSecretReaders(ROOT))();
    expect(keys.verification('hs-2026-11')?.alg).toBe('HS256');
    // Another HS256 kid cannot be verified without its secret: refused here (the viewer logs in again).
    expect(keys.verification('hs-2026-10')).toBeUndefined();
    expect(keys.verification('es-2026-11')?.alg).toBe('ES256');
  });
});
