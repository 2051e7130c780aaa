/**
 * Minting tokens for tests, byte by byte, so hostile variants (bad headers, odd encodings, forged
 * signatures) can be built as easily as good ones.
 */
import { createHmac, sign, type KeyObject } from 'node:crypto';
import { algOf, privateKey, type Kid } from './keys';

/** The suite's frozen clock: 2027-01-15T08:00:00Z. */
export const NOW = 1_800_000_000;

export const b64 = (text: string | Uint8Array): string => Buffer.from(text).toString('base64url');

export function signWith(alg: string, key: KeyObject, input: string): string {
  const data = Buffer.from(input);
  switch (alg) {
    case 'HS256':
      return createHmac('sha256', key).update(data).digest('base64url');
    case 'ES256':
      return sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    case 'RS256':
      return sign('sha256', data, key).toString('base64url');
    case 'EdDSA':
      return sign(null, data, key).toString('base64url');
    default:
      throw new Error(`cannot sign ${alg}`);
  }
}

export interface MintOptions {
  kid?: Kid;
  /** Header members to add or override; `undefined` removes a member. */
  header?: Record<string, unknown>;
  /** Claims to add or override; `undefined` removes a claim. */
  claims?: Record<string, unknown>;
  /** Raw text for the header or payload segment, instead of JSON of the objects. */
  rawHeader?: string;
  rawPayload?: string;
  /** Sign with this key id's key while the header names `kid`. */
  signWithKid?: Kid;
  /** Sign as this algorithm (for confusion attacks). */
  signAlg?: string;
  signKey?: KeyObject;
}

export function sessionClaims(tenant = 'acme'): Record<string, unknown> {
  return {
    iss: 'https://login.example.com',
    aud: 'tenant-gate',
    sub: 'alice',
    tid: tenant,
    iat: NOW - 60,
    exp: NOW + 900,
  };
}

function merge(base: Record<string, unknown>, over: Record<string, unknown> | undefined): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(over ?? {})) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

export function mint(options: MintOptions = {}): string {
  const kid = options.kid ?? 'hs-2026-11';
  const header = merge({ alg: algOf(kid), typ: 'tenant+jwt', kid }, options.header);
  const claims = merge(sessionClaims(), options.claims);
  const h = b64(options.rawHeader ?? JSON.stringify(header));
  const p = b64(options.rawPayload ?? JSON.stringify(claims));
  const signer = options.signWithKid ?? kid;
  const signature = signWith(options.signAlg ?? algOf(signer), options.signKey ?? privateKey(signer), `${h}.${p}`);
  return `${h}.${p}.${signature}`;
}

export function mintLink(path: string, options: MintOptions & { ip?: string } = {}): string {
  return mint({
    ...options,
    header: { typ: 'tenant-link+jwt', ...options.header },
    claims: { pth: path, exp: NOW + 3600, ...(options.ip ? { cip: options.ip } : {}), ...options.claims },
  });
}

/** A folder grant (`tenant-grant+jwt`) for `dir`, valid an hour from 60 s ago. */
export function mintGrant(dir: string, options: MintOptions & { ip?: string } = {}): string {
  return mint({
    ...options,
    header: { typ: 'tenant-grant+jwt', ...options.header },
    claims: { dir, exp: NOW + 3600, ...(options.ip ? { cip: options.ip } : {}), ...options.claims },
  });
}
