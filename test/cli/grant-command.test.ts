/**
 * `tenant-gate grant`, run as the binary runs it: the URL it prints is judged by the gate's core with grants on.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/gate';
import { GRANT_OVERRIDES } from '../cases/grant-cases';
import { runCli } from '../helpers/cli';
import { coreFor } from '../helpers/core';
import { ROOT } from '../helpers/keys';
import { NOW } from '../helpers/tokens';

const raw = JSON.parse(readFileSync(join(ROOT, 'gatekeeper.config.json'), 'utf8')) as Record<string, unknown>;
const CONFIG_FILE = join(mkdtempSync(join(tmpdir(), 'tenant-gate-grant-')), 'grants.config.json');
writeFileSync(CONFIG_FILE, JSON.stringify({ ...raw, $schema: undefined, ...GRANT_OVERRIDES }));
const core = coreFor(validateConfig({ ...raw, ...GRANT_OVERRIDES }));

async function grant(...argv: string[]) {
  const { code, out, err } = await runCli(['grant', '--config', CONFIG_FILE, '--now', String(NOW), ...argv], ROOT);
  return { code, out: out.trim(), err: err.trim() };
}

function gate(url: string, when: number, ip = '203.0.113.1'): string {
  const uri = url.slice('https://cdn.example.com'.length);
  const decision = core.gate.decide(
    { method: 'GET', uri, tokenCookies: [], linkTokens: [], viewerIp: ip, header: () => undefined },
    core.keys,
    when,
  );
  return decision.action === 'forward' ? `forward ${decision.uri}` : `${decision.refusal?.code}`;
}

describe('tenant-gate grant', () => {
  it('prints a folder URL the gate opens inside the folder, until the ttl ends', async () => {
    const { code, out } = await grant('--tenant', 'acme', '--dir', '/files/films/nosferatu/', '--ttl', '172800');
    expect(code).toBe(0);
    expect(out).toMatch(/^https:\/\/cdn\.example\.com\/grants\/[\w-]+\.[\w-]+\.[\w-]+\/films\/nosferatu\/$/);
    expect(decodeJwt(out.split('/')[4]!)).toMatchObject({ tid: 'acme', dir: '/files/films/nosferatu/', sub: 'cli' });
    expect(gate(out + 'seg-1.ts', NOW + 10)).toBe('forward /tenants/acme/files/films/nosferatu/seg-1.ts');
    expect(gate(out.replace(/nosferatu\/$/, 'other/seg-1.ts'), NOW + 10)).toBe('grant_path_mismatch');
    expect(gate(out + 'seg-1.ts', NOW + 172800 + 60)).toBe('invalid_token');
  });

  it('binds to --ip', async () => {
    const { out } = await grant('--tenant', 'acme', '--dir', '/files/f/', '--ttl', '60', '--ip', '198.51.100.4');
    expect(gate(out + 'a.ts', NOW + 1, '198.51.100.4')).toBe('forward /tenants/acme/files/f/a.ts');
    expect(gate(out + 'a.ts', NOW + 1, '198.51.100.5')).toBe('grant_ip_mismatch');
  });

  it.each([
    [['--dir', '/files/f/', '--ttl', '60'], /--tenant is required/],
    [['--tenant', 'acme', '--ttl', '60'], /--dir is required/],
    [['--tenant', 'acme', '--dir', '/files/f/'], /--ttl is required/],
    [['--tenant', 'ACME', '--dir', '/files/f/', '--ttl', '60'], /tenantPattern/],
    [['--tenant', 'acme', '--dir', '/files/f/', '--ttl', '172801'], /exceeds grants.maxLifetimeSeconds/],
    [['--tenant', 'acme', '--dir', '/other/f/', '--ttl', '60'], /--dir: path_not_allowed/],
    [['--tenant', 'acme', '--dir', '/files/f', '--ttl', '60'], /--dir: invalid_path/],
    [['--tenant', 'acme', '--dir', '/files/f/', '--ttl', '60', '--ip', 'x'], /--ip: malformed_request/],
  ])('refuses %j (exit 2)', async (argv, message) => {
    const { code, err } = await grant(...argv);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  it('refuses a configuration without grants (exit 2)', async () => {
    const { code, err } = await runCli(['grant', '--tenant', 'acme', '--dir', '/files/f/', '--ttl', '60'], ROOT);
    expect([code, err]).toEqual([2, expect.stringMatching(/grants are off/)]);
  });
});
