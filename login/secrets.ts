/**
 * Reading secret text (the tenant-token signing key, the CloudFront private key) from where the configuration
 * says: a local file, an SSM Parameter Store SecureString, or a Secrets Manager secret.
 *
 * The readers are a port so tests use fakes (no network). The AWS clients are imported lazily: a local run
 * from files never loads the SDK, and a Lambda cold start loads only the client it needs.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { SecretSource } from '../config/login';

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

/** The real readers: files from disk, parameters and secrets from AWS in the function's own region. */
export function defaultSecretReaders(baseDir?: string): SecretReaders {
  return {
    file: fileReader(baseDir),
    async ssmParameter(name) {
      const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
      const out = await new SSMClient({}).send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      const value = out.Parameter?.Value;
      if (value === undefined || value === '') throw new Error(`SSM parameter ${name} has no value`);
      // A plain String parameter would mean the key sat unencrypted at rest: refuse it.
      if (out.Parameter?.Type !== 'SecureString') throw new Error(`SSM parameter ${name} must be a SecureString`);
      return value;
    },
    async secretsManagerSecret(id) {
      const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
      const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: id }));
      if (typeof out.SecretString !== 'string' || out.SecretString === '') {
        throw new Error(`secret ${id} has no SecretString (binary secrets are not supported)`);
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

export async function readSecret(source: SecretSource, readers: SecretReaders): Promise<string> {
  try {
    if ('file' in source) return await readers.file(source.file);
    if ('ssmParameter' in source) return await readers.ssmParameter(source.ssmParameter);
    return await readers.secretsManagerSecret(source.secretsManagerSecret);
  } catch (error) {
    throw new Error(`cannot read ${describeSource(source)}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * One load per cold start: every caller shares the first promise. A failed load is forgotten so the next
 * invocation tries again (a throttled SSM call must not poison the container for its whole life).
 */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (pending === undefined) {
      pending = load();
      pending.catch(() => {
        pending = undefined;
      });
    }
    return pending;
  };
}
