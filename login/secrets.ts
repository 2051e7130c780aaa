/**
 * Reading secret text (the tenant-token signing key, the CloudFront private key) from where the configuration
 * says: a local file, an SSM Parameter Store SecureString, or a Secrets Manager secret.
 *
 * The readers are a port so tests use fakes (no network). The AWS clients are imported lazily: a local run
 * from files never loads the SDK, and a Lambda cold start loads only the client it needs.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import type { GetParameterCommandOutput } from '@aws-sdk/client-ssm';
import type { SecretSource } from '../config/login';
import { SDK_CALL_TIMEOUT_MS, SDK_CONNECTION_TIMEOUT_MS, SDK_MAX_ATTEMPTS, SDK_REQUEST_TIMEOUT_MS } from './limits';

export interface SecretReaders {
  file(path: string): Promise<string>;
  /** The decrypted value of a SecureString parameter (GetParameter WithDecryption). */
  ssmParameter(name: string): Promise<string>;
  /** The `SecretString` of a secret's current version. */
  secretsManagerSecret(id: string): Promise<string>;
}

/** Files are read relative to `baseDir` (the working directory by default). */
export function fileReader(baseDir: string = process.cwd()): SecretReaders['file'] {
  return (path) => readFile(isAbsolute(path) ? path : resolve(baseDir, path), 'utf8');
}

/**
 * The SDK client settings of every secret read: a per-attempt connect and request timeout that throws (the
 * Node handler only warns on `requestTimeout` unless `throwOnRequestTimeout` is set) and one retry
 * (docs/platform.md#sdk-timeouts-and-retries). The whole
 * call, retries and credential lookup included, is also bounded by an AbortSignal (see `sdkCallSignal`).
 * `overrides` lets tests point a real client at a local endpoint.
 */
export function sdkClientConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    maxAttempts: SDK_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: SDK_CONNECTION_TIMEOUT_MS,
      requestTimeout: SDK_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
    ...overrides,
  };
}

/** Ends one SDK call, all attempts together, after `SDK_CALL_TIMEOUT_MS`. */
export function sdkCallSignal(): AbortSignal {
  return AbortSignal.timeout(SDK_CALL_TIMEOUT_MS);
}

/**
 * The real readers: files from disk, parameters and secrets from AWS in the function's own region. Each client
 * is made once per container (on first use) and reused: connections stay warm across invocations.
 */
export function defaultSecretReaders(baseDir?: string, clientOverrides: Record<string, unknown> = {}): SecretReaders {
  let ssm: Promise<{ send: (command: unknown, options: { abortSignal: AbortSignal }) => Promise<unknown> }> | undefined;
  let secretsManager: typeof ssm;
  return {
    file: fileReader(baseDir),
    async ssmParameter(name) {
      const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
      ssm ??= Promise.resolve(new SSMClient(sdkClientConfig(clientOverrides)) as never);
      const out = (await (
        await ssm
      ).send(new GetParameterCommand({ Name: name, WithDecryption: true }), {
        abortSignal: sdkCallSignal(),
      })) as GetParameterCommandOutput;
      const value = out.Parameter?.Value;
      if (value === undefined || value === '') throw new SecretShapeError(`SSM parameter ${name} has no value`);
      // A plain String parameter would mean the key sat unencrypted at rest: refuse it.
      if (out.Parameter?.Type !== 'SecureString')
        throw new SecretShapeError(`SSM parameter ${name} must be a SecureString`);
      return value;
    },
    async secretsManagerSecret(id) {
      const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
      secretsManager ??= Promise.resolve(new SecretsManagerClient(sdkClientConfig(clientOverrides)) as never);
      const out = (await (
        await secretsManager
      ).send(new GetSecretValueCommand({ SecretId: id }), {
        abortSignal: sdkCallSignal(),
      })) as GetSecretValueCommandOutput;
      if (typeof out.SecretString !== 'string' || out.SecretString === '') {
        throw new SecretShapeError(`secret ${id} has no SecretString (binary secrets are not supported)`);
      }
      return out.SecretString;
    },
  };
}

/** Where a source points, for error messages (never the secret). */
export function describeSource(source: SecretSource): string {
  if ('file' in source) return `file ${source.file}`;
  if ('ssmParameter' in source) return `SSM parameter ${source.ssmParameter}`;
  return `Secrets Manager secret ${source.secretsManagerSecret}`;
}

/** A stored value of the wrong kind (no value, not a SecureString): its message names the source, not the value. */
export class SecretShapeError extends Error {
  override name = 'SecretShapeError';
}

/** A read failure, described by its kind only: an SDK or file error message is not echoed (see `failureName`). */
export class SecretReadError extends Error {
  override name = 'SecretReadError';
}

/**
 * What failed, for logs: the error's name and code (`TimeoutError`, `AbortError`, `ENOENT`,
 * `AccessDeniedException` …), never its message, which for a malformed value could quote the value.
 */
export function failureName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown';
  const e = error as { name?: unknown; code?: unknown };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  if (typeof e.code !== 'string' || e.code === name) return name;
  return name === 'Error' ? e.code : `${name} ${e.code}`;
}

export async function readSecret(source: SecretSource, readers: SecretReaders): Promise<string> {
  try {
    if ('file' in source) return await readers.file(source.file);
    if ('ssmParameter' in source) return await readers.ssmParameter(source.ssmParameter);
    return await readers.secretsManagerSecret(source.secretsManagerSecret);
  } catch (error) {
    // Our own checks above (no value, not a SecureString) carry no secret; anything else is named, not quoted.
    const detail = error instanceof SecretShapeError ? error.message : failureName(error);
    throw new SecretReadError(`cannot read ${describeSource(source)}: ${detail}`, { cause: error });
  }
}
