/**
 * Revocation, store-backed: what the KeyValueStore holds, the credential presented, and the gate's verdict. Run
 * against the CloudFront Function (which reads the store, in vm and under njs) and the Lambda@Edge bundle (which
 * asks the login, reading the same store) by test/revocation-conformance.test.ts.
 *
 * The suite's tokens are issued at NOW − 60 (test/helpers/tokens.ts); a "not before" epoch later than that
 * revokes them, one equal to it does not (a credential issued at the epoch is a new one).
 */
import { mint, mintGrant, mintLink, NOW } from '../helpers/tokens';

export interface RevocationCase {
  name: string;
  /** The store's entries. */
  store: Record<string, string>;
  /** Every read of the store fails, as in an outage. */
  failing?: boolean;
  credential: { cookie: string } | { link: string } | { grant: string };
  /** Forwarded into the tenant's prefix (acme unless named), or refused with this code. */
  expect: { status: 'forward'; tenant?: string } | { status: number; code: string };
  /** The kill switch is the CloudFront Function's alone. */
  cloudFrontFunctionOnly?: true;
}

const ISSUED = NOW - 60;
const FILE = '/files/report.pdf';
const alice = { cookie: mint() };
const aliceLink = { link: mintLink(FILE) };
const bob = { cookie: mint({ claims: { sub: 'bob' } }) };
const bobLink = { link: mintLink(FILE, { claims: { sub: 'bob' } }) };
const noSub = { cookie: mint({ claims: { sub: undefined } }) };
/** A folder grant for /files/ (opened at /grants/<token>/report.pdf), by alice. */
const aliceGrant = { grant: mintGrant('/files/') };
const noSubLink = { link: mintLink(FILE, { claims: { sub: undefined } }) };
const globex = { cookie: mint({ claims: { tid: 'globex' } }) };
/** 255 characters of three UTF-8 bytes each: `user:acme:<sub>` would be 775 bytes, over the store's 512. */
const wideSub = { cookie: mint({ claims: { sub: '€'.repeat(255) } }) };

const forward = { status: 'forward' } as const;
const revoked = { status: 401, code: 'revoked' } as const;
const unavailable = { status: 503, code: 'store_unavailable' } as const;
const tenant = (value: object | string) => ({
  'tenant:acme': typeof value === 'string' ? value : JSON.stringify(value),
});

export const revocationCases: RevocationCase[] = [
  // ── nothing revoked ───────────────────────────────────────────────────────────────────────────────
  { name: 'no entry: forwarded', store: {}, credential: alice, expect: forward },
  { name: 'no entry: a link is forwarded', store: {}, credential: aliceLink, expect: forward },
  { name: 'no entry: a folder grant is forwarded', store: {}, credential: aliceGrant, expect: forward },
  { name: 'a plain value other than disabled: enabled', store: tenant('enabled'), credential: alice, expect: forward },
  {
    name: 'an epoch equal to iat: issued at the epoch, not before it',
    store: tenant({ notBefore: ISSUED }),
    credential: alice,
    expect: forward,
  },
  {
    name: 'another tenant revoked: this one is not',
    store: { 'tenant:globex': JSON.stringify({ notBefore: NOW }) },
    credential: alice,
    expect: forward,
  },
  {
    name: 'members of later features are ignored',
    store: tenant({ notBefore: 0, plan: 'gold' }),
    credential: alice,
    expect: forward,
  },
  {
    name: 'per-user entries: another user of the tenant is not affected',
    store: { ...tenant({ users: true }), 'user:acme:bob': String(NOW) },
    credential: alice,
    expect: forward,
  },
  {
    name: 'per-user entries: a user without one is not affected',
    store: tenant({ users: true }),
    credential: alice,
    expect: forward,
  },
  {
    name: 'a user entry the tenant entry does not announce is not read (one read per request)',
    store: { 'user:acme:alice': String(NOW) },
    credential: alice,
    expect: forward,
  },
  {
    name: 'a credential without sub, in a tenant without per-user entries',
    store: tenant({ notBefore: ISSUED - 1 }),
    credential: noSub,
    expect: forward,
  },
  {
    name: 'a sub that is not a string: a build with revocation reads sub, so it refuses it (invalid_token)',
    store: {},
    credential: { cookie: mint({ claims: { sub: 42 } }) },
    expect: { status: 401, code: 'invalid_token' },
  },
  // ── tenant-wide ───────────────────────────────────────────────────────────────────────────────────
  {
    name: 'tenant revoked: a session issued before',
    store: tenant({ notBefore: ISSUED + 1 }),
    credential: alice,
    expect: revoked,
  },
  {
    name: 'tenant revoked: a link issued before',
    store: tenant({ notBefore: ISSUED + 1 }),
    credential: aliceLink,
    expect: revoked,
  },
  {
    name: 'tenant revoked: a folder grant issued before (any kind: the rule reads iat)',
    store: tenant({ notBefore: ISSUED + 1 }),
    credential: aliceGrant,
    expect: revoked,
  },
  {
    name: 'user revoked: their folder grant',
    store: { ...tenant({ users: true }), 'user:acme:alice': String(NOW) },
    credential: aliceGrant,
    expect: revoked,
  },
  { name: 'tenant revoked: every user of it', store: tenant({ notBefore: NOW }), credential: bob, expect: revoked },
  {
    name: 'tenant revoked: with per-user entries too',
    store: { ...tenant({ notBefore: NOW, users: true }), 'user:acme:alice': '0' },
    credential: alice,
    expect: revoked,
  },
  {
    name: 'tenant revoked, then a credential of another tenant',
    store: tenant({ notBefore: NOW }),
    credential: globex,
    expect: { status: 'forward', tenant: 'globex' },
  },
  // ── per user ──────────────────────────────────────────────────────────────────────────────────────
  {
    name: 'user revoked: their session',
    store: { ...tenant({ users: true }), 'user:acme:bob': String(NOW) },
    credential: bob,
    expect: revoked,
  },
  {
    name: 'user revoked: their link',
    store: { ...tenant({ users: true }), 'user:acme:bob': String(NOW) },
    credential: bobLink,
    expect: revoked,
  },
  {
    name: 'user entry equal to iat: not revoked',
    store: { ...tenant({ users: true }), 'user:acme:bob': String(ISSUED) },
    credential: bob,
    expect: forward,
  },
  {
    name: 'per-user entries and a session without sub: refused (it might be a revoked user)',
    store: tenant({ users: true }),
    credential: noSub,
    expect: revoked,
  },
  {
    name: 'per-user entries and a link without sub: refused',
    store: tenant({ users: true }),
    credential: noSubLink,
    expect: revoked,
  },
  {
    name: 'per-user entries and a sub no store key can hold: refused',
    store: tenant({ users: true }),
    credential: wideSub,
    expect: revoked,
  },
  // ── unreadable or malformed: fail closed ──────────────────────────────────────────────────────────
  { name: 'store unreadable', store: tenant({ notBefore: 0 }), failing: true, credential: alice, expect: unavailable },
  { name: 'store unreadable, no entry at all', store: {}, failing: true, credential: aliceLink, expect: unavailable },
  { name: 'tenant entry truncated JSON', store: tenant('{"notBefore":17'), credential: alice, expect: unavailable },
  {
    name: 'tenant entry notBefore a string',
    store: tenant({ notBefore: '1800000000' }),
    credential: alice,
    expect: unavailable,
  },
  { name: 'tenant entry notBefore negative', store: tenant({ notBefore: -1 }), credential: alice, expect: unavailable },
  {
    name: 'tenant entry notBefore a fraction',
    store: tenant({ notBefore: 1.5 }),
    credential: alice,
    expect: unavailable,
  },
  { name: 'tenant entry notBefore 1e21', store: tenant('{"notBefore":1e21}'), credential: alice, expect: unavailable },
  { name: 'tenant entry users not a boolean', store: tenant({ users: 1 }), credential: alice, expect: unavailable },
  {
    name: 'tenant entry disabled not a boolean',
    store: tenant({ disabled: 'no' }),
    credential: alice,
    expect: unavailable,
  },
  {
    name: 'tenant entry notBefore an array',
    store: tenant('{"notBefore":[1]}'),
    credential: alice,
    expect: unavailable,
  },
  {
    name: 'user entry not an epoch',
    store: { ...tenant({ users: true }), 'user:acme:alice': 'soon' },
    credential: alice,
    expect: unavailable,
  },
  {
    name: 'user entry with a sign',
    store: { ...tenant({ users: true }), 'user:acme:alice': '+1800000000' },
    credential: alice,
    expect: unavailable,
  },
  // ── the kill switch in the same entry ─────────────────────────────────────────────────────────────
  {
    name: 'disabled, plain (stores written before revocation)',
    store: tenant('disabled'),
    credential: alice,
    expect: { status: 403, code: 'tenant_disabled' },
    cloudFrontFunctionOnly: true,
  },
  {
    name: 'disabled in the JSON form, beside an epoch',
    store: tenant({ disabled: true, notBefore: 1 }),
    credential: alice,
    expect: { status: 403, code: 'tenant_disabled' },
    cloudFrontFunctionOnly: true,
  },
  {
    name: 'disabled: false in the JSON form',
    store: tenant({ disabled: false, notBefore: 1 }),
    credential: alice,
    expect: forward,
  },
];
