/**
 * A local distribution inside a test: the real artifacts built from your gate configuration, served on a
 * free port of 127.0.0.1, with the development identity provider and the login function behind `/auth/*`
 * when the configuration has them. Nothing reaches the network; `close()` stops it and removes its build.
 *
 *   const cdn = await startLocalDistribution();                 // demo/local.config.json
 *   const cookie = await cdn.signIn('alice', 'acme');          // the session cookies, as a Cookie header
 *   const res = await fetch(`${cdn.url}/files/welcome.txt`, { headers: { cookie } });
 *   await cdn.close();
 */
import type { Clock } from '../local/clock';
import { DEMO_CONFIG, startEmulator, type Emulator, type GateRuntime } from '../local/emulator';
import { sha256HexNode } from './body-hash';

export interface LocalDistributionOptions {
  /** A gate configuration with a `local` section; the demo's (demo/local.config.json) by default. */
  config?: string;
  /** Which gate runs on the gated behavior: the Lambda@Edge bundle (default) or the CloudFront Function. */
  gate?: GateRuntime;
  /** The distribution's clock (ms since the epoch): move it to expire sessions and links. */
  clock?: Clock;
  /** CloudFront's origin response timeout for every origin; 30 s by default. */
  originTimeoutMs?: number;
  /** Developer notes (why a request was refused), credentials redacted; discarded by default. */
  notes?: (message: string) => void;
  /** CloudFront standard-log lines; none by default. */
  accessLog?: (line: string) => void;
}

export interface LocalDistribution {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** An identity token from the development identity provider, for `x-identity-token`. */
  identityToken(sub: string, tenant: string): Promise<string>;
  /** Signs in through `POST /auth/session` as production requires; resolves with the cookies as a `Cookie` header value. */
  signIn(sub: string, tenant: string): Promise<string>;
  close(): Promise<void>;
  /** The emulator itself, for what the above does not cover. */
  emulator: Emulator;
}

export async function startLocalDistribution(options: LocalDistributionOptions = {}): Promise<LocalDistribution> {
  const emulator = await startEmulator({
    configPath: options.config ?? DEMO_CONFIG,
    port: 0,
    host: '127.0.0.1',
    log: options.accessLog ?? false,
    note: options.notes ?? (() => {}),
    ...(options.gate ? { gate: options.gate } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.originTimeoutMs !== undefined ? { originTimeoutMs: options.originTimeoutMs } : {}),
  });
  const header = emulator.config.login?.identity.tokenHeader;

  async function identityToken(sub: string, tenant: string): Promise<string> {
    if (emulator.idp === undefined) throw new Error('this configuration has no development identity provider');
    return emulator.idp.issue(sub, tenant);
  }

  return {
    url: emulator.url,
    identityToken,
    async signIn(sub, tenant) {
      if (header === undefined) throw new Error('this configuration has no login section: nothing to sign in to');
      const token = await identityToken(sub, tenant);
      const body = '{}';
      const response = await fetch(`${emulator.url}/auth/session`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-amz-content-sha256': sha256HexNode(body),
          [header]: header === 'authorization' ? `Bearer ${token}` : token,
        },
        body,
      });
      if (response.status !== 204) throw new Error(`sign-in refused: ${response.status} ${await response.text()}`);
      return response.headers
        .getSetCookie()
        .map((line) => line.split(';')[0]!)
        .join('; ');
    },
    close: () => emulator.close(),
    emulator,
  };
}
