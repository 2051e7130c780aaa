/**
 * The CLI's key, token and signing commands, run through `main(argv, io)` as the binary runs them. Every URL
 * and cookie they print is judged by the independent CloudFront check, every token by the gate's core.
 */
import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { readCloudFrontKeys } from '../../deploy/package-artifacts';
import { coreFor } from '../helpers/core';
import { ROOT } from '../helpers/keys';
import { cloudfrontJudges, codeOf, NOW } from '../login/helpers';
import { runCli } from '../helpers/cli';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const { code, out, err } = await runCli(argv, ROOT);
  return { code, out: out.trim(), err: err.trim() };
}

const core = coreFor();
const at = String(NOW);

function gate(token: string, uri: string, when: number, opts: { link?: boolean; ip?: string } = {}) {
  const decision = core.gate.decide(
    {
      method: 'GET',
      uri,
      tokenCookies: opts.link ? [] : [token],
      linkTokens: opts.link ? [token] : [],
      viewerIp: opts.ip ?? '203.0.113.1',
      header: () => undefined,
    },
    core.keys,
    when,
  );
  return decision.action === 'forward'
    ? `forward ${decision.uri}`
    : `${decision.response.status} ${decision.refusal?.code}`;
}

describe('tenant-gate --help', () => {
  it('lists the login commands', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    for (const name of ['keys', 'token', 'sign-url', 'sign-cookies', 'verify'])
      expect(out).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });

  it.each(['keys', 'token', 'sign-url', 'sign-cookies', 'verify'])('%s --help prints its usage', async (name) => {
    const { code, out } = await run(name, '--help');
    expect([code, out.startsWith(`usage: tenant-gate ${name}`)]).toEqual([0, true]);
  });

  it('runs as a process: node bin/tenant-gate.mjs --help', () => {
    const child = spawnSync(process.execPath, [join(ROOT, 'bin/tenant-gate.mjs'), '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect([child.status, child.stdout]).toEqual([0, expect.stringContaining('sign-cookies')]);
  });
});

describe('tenant-gate keys', () => {
  it('prints an HS256 keys[] entry the configuration accepts', async () => {
    const { code, out } = await run('keys', 'hs256', '--kid', 'hs-test');
    expect(code).toBe(0);
    const entry = JSON.parse(out.split('\n\n')[0]!.split('\n').slice(1).join('\n'));
    expect(entry).toEqual({ kid: 'hs-test', alg: 'HS256', secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
  });

  const mode = (path: string) => statSync(path).mode & 0o777;

  it('writes an ES256 pair: private 0600, public as a keys[] entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-keys-'));
    const { code, out } = await run('keys', 'es256', '--kid', 'es-test', '--out', dir);
    expect(code).toBe(0);
    expect(out).not.toContain('PRIVATE KEY');
    expect(mode(join(dir, 'es-test.private.pem'))).toBe(0o600);
    expect(mode(join(dir, 'es-test.key.json'))).toBe(0o644);
    expect(JSON.parse(readFileSync(join(dir, 'es-test.key.json'), 'utf8'))).toMatchObject({
      kid: 'es-test',
      alg: 'ES256',
      publicKeyJwk: { kty: 'EC', crv: 'P-256' },
    });
    // Never overwrites.
    const again = await run('keys', 'es256', '--kid', 'es-test', '--out', dir);
    expect([again.code, again.err]).toEqual([1, expect.stringContaining('already exists')]);
  });

  it('writes an HS256 secret and its keys[] entry (which holds the secret too) mode 0600, in a new folder 0700', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tg-keys-')), '.keys', 'prod');
    const { code, out } = await run('keys', 'hs256', '--kid', 'hs-test', '--out', dir);
    expect(code).toBe(0);
    expect([mode(dir), mode(join(dir, '..'))]).toEqual([0o700, 0o700]);
    expect([mode(join(dir, 'hs-test.secret')), mode(join(dir, 'hs-test.secret.json'))]).toEqual([0o600, 0o600]);
    const secret = readFileSync(join(dir, 'hs-test.secret'), 'utf8').trim();
    expect(JSON.parse(readFileSync(join(dir, 'hs-test.secret.json'), 'utf8'))).toEqual({
      kid: 'hs-test',
      alg: 'HS256',
      secret,
    });
    expect(out).toContain('hs-test.secret.json (holds the secret, mode 0600)');
  });

  it('writes secrets 0600 into an existing folder whatever its mode (the file mode protects them)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-keys-'));
    chmodSync(dir, 0o755);
    expect((await run('keys', 'hs256', '--kid', 'hs-open', '--out', dir)).code).toBe(0);
    expect([mode(dir), mode(join(dir, 'hs-open.secret')), mode(join(dir, 'hs-open.secret.json'))]).toEqual([
      0o755, 0o600, 0o600,
    ]);
  });

  it('writes a CloudFront pair that packaging publishes as is: <kid>.pem public, <kid>.private.key 0600', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tg-keys-')), 'cloudfront-keys', 'prod');
    const { code } = await run('keys', 'cloudfront', '--kid', 'cf-2026-11', '--out', dir);
    expect(code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['cf-2026-11.pem', 'cf-2026-11.private.key']);
    expect([mode(join(dir, 'cf-2026-11.private.key')), mode(join(dir, 'cf-2026-11.pem'))]).toEqual([0o600, 0o644]);
    // deploy/package-artifacts.ts's own reader, its rules unchanged.
    expect(readCloudFrontKeys(dir)?.keys.map((k) => k.name)).toEqual(['cf-2026-11']);
    const { code: bad, err } = await run('keys', 'cloudfront', '--kid', 'cf.2026', '--out', dir);
    expect([bad, err]).toEqual([2, expect.stringContaining('--kid of a CloudFront key must be')]);
  });

  it('.gitignore covers every file holding a secret that keys writes, and no public one', () => {
    const ignored = (name: string) =>
      spawnSync('git', ['check-ignore', '--no-index', '-q', `cloudfront-keys/prod/${name}`], { cwd: ROOT }).status ===
      0;
    const secrets = ['k.secret', 'k.secret.json', 'k.private.pem', 'k.private.key'];
    const publics = ['k.pem', 'k.key.json'];
    expect([secrets.map(ignored), publics.map(ignored)]).toEqual([secrets.map(() => true), publics.map(() => false)]);
  });

  it('makes an RSA-2048 CloudFront pair with a PEM public key ready to paste', async () => {
    const { code, out } = await run('keys', 'cloudfront');
    expect(code).toBe(0);
    const pem = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/.exec(out)![0];
    expect(createPublicKey(pem).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(out).toContain('-----BEGIN PRIVATE KEY-----');
  });

  it.each([[[]], [['rsa4096']], [['hs256', 'extra']], [['hs256', '--bogus']]])('usage error for %j', async (args) => {
    const { code, err } = await run('keys', ...args);
    expect([code, err]).toEqual([
      2,
      expect.stringMatching(/^tenant-gate keys: [^\n]+; see tenant-gate keys --help\n?$/),
    ]);
  });
});

describe('tenant-gate token', () => {
  it.each([
    ['192.0.2.4', '192.0.2.4'],
    ['2001:DB8:0:0:0:0:0:4', '2001:db8::4'],
  ])('binds a link token to %s as cip %s (IPv6 canonical, RFC 5952)', async (ip, cip) => {
    const { code, out } = await run('token', '--tenant', 'acme', '--now', at, '--path', '/files/f.mp4', '--ip', ip);
    expect([code, decodeJwt(out).cip]).toEqual([0, cip]);
  });

  it('mints a session token the gate accepts until its expiry', async () => {
    const { code, out } = await run('token', '--tenant', 'acme', '--now', at, '--expires-in', '600');
    expect(code).toBe(0);
    expect(gate(out, '/files/a.pdf', NOW + 1)).toBe('forward /tenants/acme/files/a.pdf');
    expect(gate(out, '/files/a.pdf', NOW + 630)).toBe('401 invalid_token');
  });

  it('mints a link token for one path and one IP', async () => {
    const { out } = await run(
      'token',
      '--tenant',
      'acme',
      '--now',
      at,
      '--path',
      '/files/film.mp4',
      '--ip',
      '192.0.2.4',
    );
    expect(gate(out, '/files/film.mp4', NOW + 1, { link: true, ip: '192.0.2.4' })).toBe(
      'forward /tenants/acme/files/film.mp4',
    );
    expect(gate(out, '/files/film.mp4', NOW + 1, { link: true, ip: '192.0.2.5' })).toBe('403 link_ip_mismatch');
    expect(gate(out, '/files/other.mp4', NOW + 1, { link: true, ip: '192.0.2.4' })).toBe('403 link_path_mismatch');
  });

  it('signs with another configured key when given its private half', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-key-'));
    const { privateKey } = await import('../helpers/keys');
    const file = join(dir, 'es.pem');
    (await import('node:fs')).writeFileSync(file, privateKey('es-2026-11').export({ type: 'pkcs8', format: 'pem' }));
    const { code, out } = await run('token', '--tenant', 'acme', '--now', at, '--kid', 'es-2026-11', '--key', file);
    expect(code).toBe(0);
    expect(gate(out, '/files/a.pdf', NOW + 1)).toBe('forward /tenants/acme/files/a.pdf');
  });

  it.each<[string[], number, string]>([
    [[], 2, '--tenant is required'],
    [['--tenant', 'Acme'], 2, 'does not match tenantPattern'],
    [['--tenant', 'acme', '--expires-in', '3601'], 2, 'exceeds maxTokenLifetimeSeconds (3600)'],
    [['--tenant', 'acme', '--expires-in', '0'], 2, '--expires-in must be a positive whole number'],
    [['--tenant', 'acme', '--ip', '192.0.2.1'], 2, 'give --path too'],
    [['--tenant', 'acme', '--path', '/files/x', '--ip', '2001:db8::1%eth0'], 2, 'must be an IPv4 or IPv6 address'],
    [['--tenant', 'acme', '--path', '/files/../x'], 2, 'invalid_path'],
    [['--tenant', 'acme', '--kid', 'nope'], 1, 'kid "nope" is not one of the configured keys'],
    [['--tenant', 'acme', '--key', 'missing.txt'], 1, 'cannot read signing key for hs-2026-11 missing.txt: ENOENT'],
    [['--tenant', 'acme', '--config', 'missing.json'], 1, 'cannot read the configuration'],
  ])('%j → exit %i', async (args, exit, message) => {
    const { code, err } = await run('token', ...args);
    expect([code, err]).toEqual([exit, expect.stringContaining(message)]);
  });
});

describe('tenant-gate sign-url', () => {
  it('signs a CloudFront URL for exactly one file, until its expiry', async () => {
    const { code, out } = await run('sign-url', '--path', '/files/report.pdf', '--expires-in', '300', '--now', at);
    expect(code).toBe(0);
    expect(codeOf(cloudfrontJudges(out, NOW + 1, '203.0.113.1'))).toBe('ok');
    expect(codeOf(cloudfrontJudges(out.replace('/report.pdf', '/other.pdf'), NOW + 1, '203.0.113.1'))).toBe(
      'resource_mismatch',
    );
    expect(codeOf(cloudfrontJudges(out, NOW + 300, '203.0.113.1'))).toBe('expired');
  });

  it.each([
    ['SHA1', undefined],
    ['SHA256', 'SHA256'],
  ])('signs with %s', async (hash, param) => {
    const { out } = await run('sign-url', '--path', '/files/x', '--expires-in', '60', '--hash', hash, '--now', at);
    expect(/[?&]Hash-Algorithm=([^&]+)/.exec(out)?.[1]).toBe(param);
    const result = cloudfrontJudges(out, NOW + 1, '203.0.113.1');
    expect(result.ok && result.hashAlgorithm).toBe(hash);
  });

  it("with --tenant and --ip: the login origin's 48-hour bound link, judged by the gate and CloudFront", async () => {
    const { out } = await run(
      'sign-url',
      '--path',
      '/files/film.mp4',
      '--expires-in',
      '172800',
      '--ip',
      '192.0.2.4',
      '--tenant',
      'acme',
      '--now',
      at,
    );
    const token = /[?&]token=([^&]+)/.exec(out)![1]!;
    expect(gate(token, '/files/film.mp4', NOW + 172799, { link: true, ip: '192.0.2.4' })).toBe(
      'forward /tenants/acme/files/film.mp4',
    );
    expect(codeOf(cloudfrontJudges(out, NOW + 172799, '192.0.2.4'))).toBe('ok');
    expect(codeOf(cloudfrontJudges(out, NOW + 1, '192.0.2.5'))).toBe('ip_mismatch');
    expect(codeOf(cloudfrontJudges(out, NOW + 172800, '192.0.2.4'))).toBe('expired');
  });

  it.each<[string[], string]>([
    [['--expires-in', '60'], '--path is required'],
    [['--path', '/files/x'], '--expires-in is required'],
    [['--path', '/files/x', '--expires-in', '172801'], 'exceeds the configured maximum'],
    [
      ['--path', '/files/x', '--expires-in', '60', '--ip', '2001:db8::1'],
      'CloudFront policies (IpAddress) are IPv4-only',
    ],
    [['--path', '/files/*', '--expires-in', '60'], 'CloudFront wildcard'],
    [['--path', '/other/x', '--expires-in', '60'], 'path_not_allowed'],
    [['--path', '/files/x', '--expires-in', '60', '--hash', 'MD5'], '--hash must be SHA1 or SHA256'],
  ])('usage error: %j', async (args, message) => {
    const { code, err } = await run('sign-url', ...args);
    expect([code, err]).toEqual([2, expect.stringContaining(message)]);
  });
});

describe('tenant-gate sign-cookies', () => {
  it('prints Set-Cookie lines CloudFront accepts for the prefix only', async () => {
    const { code, out } = await run('sign-cookies', '--expires-in', '600', '--now', at, '--tenant', 'acme');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines.every((l) => l.startsWith('Set-Cookie: ') && l.endsWith('; Secure; HttpOnly; SameSite=Lax'))).toBe(
      true,
    );
    const jar = Object.fromEntries(
      lines
        .map((l) => l.slice('Set-Cookie: '.length).split('; ')[0]!)
        .map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
    );
    expect(codeOf(cloudfrontJudges('https://cdn.example.com/files/a.pdf', NOW + 1, '203.0.113.1', jar))).toBe('ok');
    expect(codeOf(cloudfrontJudges('https://cdn.example.com/private/a.pdf', NOW + 1, '203.0.113.1', jar))).toBe(
      'resource_mismatch',
    );
    expect(codeOf(cloudfrontJudges('https://cdn.example.com/files/a.pdf', NOW + 600, '203.0.113.1', jar))).toBe(
      'expired',
    );
    expect(gate(jar['__Host-tenant']!, '/files/a.pdf', NOW + 1)).toBe('forward /tenants/acme/files/a.pdf');
  });

  it('prints one Cookie header for curl, IP-bound', async () => {
    const { out } = await run(
      'sign-cookies',
      '--expires-in',
      '600',
      '--now',
      at,
      '--ip',
      '192.0.2.4',
      '--format',
      'header',
    );
    expect(out).toMatch(/^Cookie: [^\n]+$/);
    const jar = Object.fromEntries(
      out
        .slice('Cookie: '.length)
        .split('; ')
        .map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
    );
    expect(Object.keys(jar).sort()).toEqual([
      'CloudFront-Hash-Algorithm',
      'CloudFront-Key-Pair-Id',
      'CloudFront-Policy',
      'CloudFront-Signature',
    ]);
    expect(codeOf(cloudfrontJudges('https://cdn.example.com/files/a.pdf', NOW + 1, '192.0.2.4', jar))).toBe('ok');
    expect(codeOf(cloudfrontJudges('https://cdn.example.com/files/a.pdf', NOW + 1, '192.0.2.5', jar))).toBe(
      'ip_mismatch',
    );
  });

  it('refuses an IPv6 binding with a clear error', async () => {
    const { code, err } = await run('sign-cookies', '--expires-in', '600', '--ip', '::1');
    expect([code, err]).toEqual([2, expect.stringContaining('IPv4-only')]);
  });
});

describe('tenant-gate verify', () => {
  it('accepts a good session token and lists every rule', async () => {
    const token = (await run('token', '--tenant', 'acme', '--now', at)).out;
    const { code, out } = await run('verify', token, '--at', String(NOW + 1));
    expect(code).toBe(0);
    expect(out).toMatch(/^token: ACCEPTED$/m);
    for (const rule of [
      'format',
      'header',
      'key',
      'signature',
      'iss',
      'aud',
      'exp',
      'iat',
      'nbf',
      'lifetime',
      'tenant',
    ]) {
      expect(out).toMatch(new RegExp(`^  ✓ ${rule} `, 'm'));
    }
    expect(out).toMatch(/verdict: accepted$/);
  });

  it('says why an expired token is refused', async () => {
    const token = (await run('token', '--tenant', 'acme', '--now', at)).out;
    const { code, out } = await run('verify', token, '--at', String(NOW + 5000));
    expect(code).toBe(1);
    expect(out).toMatch(/^token: REFUSED \(expired\)$/m);
    expect(out).toMatch(/^ {2}✗ exp +expired at 1800000900/m);
  });

  it('judges a link URL for its path and viewer IP, at the gate and at CloudFront', async () => {
    const url = (
      await run(
        'sign-url',
        '--path',
        '/files/film.mp4',
        '--expires-in',
        '600',
        '--ip',
        '192.0.2.4',
        '--tenant',
        'acme',
        '--now',
        at,
      )
    ).out;
    const good = await run('verify', url, '--at', String(NOW + 1), '--ip', '192.0.2.4');
    expect([good.code, good.out]).toEqual([
      0,
      expect.stringMatching(/link token for \/files\/film\.mp4: ACCEPTED[\s\S]*CloudFront signed URL: ACCEPTED/),
    ]);
    const other = await run('verify', url, '--at', String(NOW + 1), '--ip', '192.0.2.5');
    expect(other.code).toBe(1);
    expect(other.out).toMatch(/link token for \/files\/film\.mp4: REFUSED \(link_ip_mismatch\)/);
    expect(other.out).toMatch(/CloudFront signed URL: REFUSED \(ip_mismatch\)/);
    const moved = await run(
      'verify',
      url.replace('/film.mp4', '/other.mp4'),
      '--at',
      String(NOW + 1),
      '--ip',
      '192.0.2.4',
    );
    expect(moved.out).toMatch(/REFUSED \(link_path_mismatch\)[\s\S]*REFUSED \(resource_mismatch\)/);
  });

  it('usage errors', async () => {
    expect((await run('verify')).code).toBe(2);
    expect((await run('verify', 'a', 'b')).code).toBe(2);
    const plain = await run('verify', 'https://cdn.example.com/files/x');
    expect([plain.code, plain.err]).toEqual([
      1,
      expect.stringContaining('neither ?token= nor CloudFront signing parameters'),
    ]);
  });
});
