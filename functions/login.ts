/**
 * Lambda function URL adapter (payload format 2.0) for the login origin: event → core → result. Nothing else.
 *
 * The validated configuration is embedded by the build (`__LOGIN_CONFIG__`); the private keys are not. They
 * are read from SSM Parameter Store, Secrets Manager or files, as `login.secrets` says, and re-read after a TTL
 * (login/keys.ts `createKeyLoader`); the first load starts during init, so the first request usually finds
 * them ready.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { LoginGateConfig } from '../config/login';
import { createKeyLoader } from '../login/keys';
import { defaultSecretReaders, type SecretReaders } from '../login/secrets';
import { createLoginService, type LoginDeps, type LoginRequest, type LoginResponse } from '../login/service';
import { apiEntryStore, type EntryStore } from '../deploy/revocation-store';
import { keyValueStoreClient } from '../deploy/key-value-store-api';

/** The stack hands the login its KeyValueStore's ARN (serverless.yml), when revocation is on. */
export const KVS_ARN_VARIABLE = 'TENANT_GATE_KVS_ARN';

/** The revocation entries' store named by the environment, or undefined (the login then refuses to judge). */
export function environmentEntryStore(env: NodeJS.ProcessEnv = process.env): EntryStore | undefined {
  const arn = env[KVS_ARN_VARIABLE];
  return arn === undefined || arn === '' ? undefined : apiEntryStore(keyValueStoreClient(), arn);
}

declare const __LOGIN_CONFIG__: LoginGateConfig | undefined;

export type LoginHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export function toLoginRequest(event: APIGatewayProxyEventV2): LoginRequest {
  const headers = event.headers ?? {};
  const lower: Record<string, string> = {};
  // Function URLs lower-case header names already; a hand-made event may not.
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (typeof value === 'string') lower[name.toLowerCase()] = value;
  }
  let body = typeof event.body === 'string' ? event.body : undefined;
  if (body !== undefined && event.isBase64Encoded) body = Buffer.from(body, 'base64').toString('utf8');
  return {
    method: event.requestContext?.http?.method ?? '',
    path: event.rawPath ?? event.requestContext?.http?.path ?? '',
    query: typeof event.rawQueryString === 'string' ? event.rawQueryString : '',
    header: (name) => lower[name],
    // Function URLs hand cookies as `name=value` items, apart from the headers.
    cookies: Array.isArray(event.cookies) ? event.cookies : lower.cookie !== undefined ? [lower.cookie] : [],
    body,
    sourceIp: event.requestContext?.http?.sourceIp,
  };
}

export function toResult(response: LoginResponse): APIGatewayProxyStructuredResultV2 {
  const result: APIGatewayProxyStructuredResultV2 = { statusCode: response.status, headers: { ...response.headers } };
  if (response.cookies.length > 0) result.cookies = response.cookies;
  if (response.body !== '') result.body = response.body;
  return result;
}

export function createLoginHandler(
  config: LoginGateConfig,
  deps: Partial<LoginDeps> & { readers?: SecretReaders } = {},
): LoginHandler {
  const keys = deps.keys ?? createKeyLoader(config, config.login, deps.readers ?? defaultSecretReaders());
  // Start the load now (init phase); a failure is reported by the first request that needs the keys.
  keys().catch(() => undefined);
  const revocations = deps.revocations ?? environmentEntryStore();
  const service = createLoginService(config, { ...deps, keys, ...(revocations ? { revocations } : {}) });
  return async (event) => toResult(await service.handle(toLoginRequest(event)));
}

const configured = typeof __LOGIN_CONFIG__ === 'undefined' ? undefined : createLoginHandler(__LOGIN_CONFIG__);

export const handler: LoginHandler = async (event) => {
  if (configured === undefined) throw new Error('built without a login configuration');
  return configured(event);
};
