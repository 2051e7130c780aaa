/**
 * `tenant-gate verify`: say why a tenant token or a signed URL would pass or be refused, rule by rule — the
 * token by the gate's own verifier (src/token.ts), the URL's CloudFront parameters by an independent
 * implementation of CloudFront's check (lib/cloudfront-signature), and a link URL's `?token=` by both.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { verifySignedUrl, type Check } from '../../lib/cloudfront-signature/index';
import { urlCarriesSignature } from '../../lib/cloudfront-signature/signed-params';
import { explainToken, type RuleCheck } from '../../login/explain-token';
import { localCloudFrontKey } from '../../login/local-keys';
import { isIpv4, isIpv6 } from '../../login/viewer-ip';
import { createKeyRing } from '../../functions/key-ring';
import { queryValues } from '../../src/query';
import { UsageError, type CliIO, type Command } from '../command';
import { cliConfig, cliNow, cliOptions } from '../options';

const usage = `usage: tenant-gate verify <TOKEN | URL> [options]

TOKEN  a session or link token: every rule of the edge gate, in order, with what it found.
URL    a link or signed URL (https://host/path?…): its ?token= link token judged for that path, and its
       CloudFront parameters (Policy/Signature/Key-Pair-Id/Hash-Algorithm) judged as CloudFront would.

options:
  --path PATH         for a link TOKEN: the viewer path it is used on
  --ip IP             the viewer address (link IP binding, CloudFront IpAddress); without it IP bindings are
                      shown but not judged
  --at EPOCH          judge at this time (default: now)
  --public-key FILE   the CloudFront public key PEM (default: derived from login.secrets.cloudfrontPrivateKey)
  --key-pair-id ID    the ID that public key has in CloudFront (default: login.cloudfront.keyPairId)
  --config FILE       the gate configuration (default: gatekeeper.config.json)

Exit code: 0 accepted, 1 refused, 2 usage error.`;

const MARK = { pass: '✓', fail: '✗', skip: '-' } as const;

function render(title: string, ok: boolean, checks: readonly (RuleCheck | Check)[], code: string | undefined): string {
  const width = Math.max(...checks.map((c) => c.rule.length));
  const lines = checks.map((c) => `  ${MARK[c.status]} ${c.rule.padEnd(width)}  ${c.detail}`);
  return [`${title}: ${ok ? 'ACCEPTED' : `REFUSED (${code ?? 'refused'})`}`, ...lines].join('\n');
}

export const command: Command = {
  name: 'verify',
  summary: 'explain, rule by rule, why a token or signed URL would pass or be refused',
  usage,
  async run(argv: string[], io: CliIO): Promise<number> {
    const positional = argv.filter((a, i) => !a.startsWith('--') && (i === 0 || !argv[i - 1]!.startsWith('--')));
    if (positional.length !== 1) throw new UsageError('give exactly one token or URL');
    const subject = positional[0]!;
    const o = cliOptions(
      argv.filter((a) => a !== subject),
      ['path', 'ip', 'at', 'public-key', 'key-pair-id', 'config'],
    );
    if (o.ip !== undefined && !isIpv4(o.ip) && !isIpv6(o.ip))
      throw new UsageError(`--ip "${o.ip}" is not an IP address`);
    const config = cliConfig(io, o.config);
    const now = cliNow(o.at);
    const keys = createKeyRing(config.keys);
    const blocks: string[] = [];
    let ok = true;

    if (!/^https?:\/\//.test(subject)) {
      const explained = explainToken(subject, config, keys, now, {
        ...(o.path === undefined ? {} : { path: o.path }),
        ...(o.ip === undefined ? {} : { ip: o.ip }),
      });
      const code = explained.result.ok
        ? explained.checks.find((c) => c.status === 'fail')?.code
        : explained.result.failure;
      blocks.push(render('token', explained.ok, explained.checks, code));
      ok = explained.ok;
    } else {
      const hash = subject.indexOf('#');
      const bare = hash < 0 ? subject : subject.slice(0, hash);
      const q = bare.indexOf('?');
      const afterScheme = bare.indexOf('//') + 2;
      const slash = bare.indexOf('/', afterScheme);
      const path = slash < 0 || (q >= 0 && slash > q) ? '/' : bare.slice(slash, q < 0 ? undefined : q);
      const tokens = q < 0 ? [] : queryValues(bare.slice(q + 1), config.linkTokenParam);
      const signed = urlCarriesSignature(bare);
      if (tokens.length === 0 && !signed) {
        io.err(
          `tenant-gate verify: the URL carries neither ?${config.linkTokenParam}= nor CloudFront signing parameters`,
        );
        return 1;
      }
      if (tokens.length > 1) {
        blocks.push(
          `link token: REFUSED (invalid_query)\n  ✗ ${config.linkTokenParam}  repeated: the gate refuses more than one`,
        );
        ok = false;
      } else if (tokens.length === 1) {
        const explained = explainToken(tokens[0]!, config, keys, now, {
          path,
          ...(o.ip === undefined ? {} : { ip: o.ip }),
        });
        const code = explained.result.ok
          ? explained.checks.find((c) => c.status === 'fail')?.code
          : explained.result.failure;
        blocks.push(render(`link token for ${path}`, explained.ok, explained.checks, code));
        ok &&= explained.ok;
      }
      if (signed) {
        let publicKey: KeyObject | string;
        if (o['public-key'] !== undefined) {
          try {
            publicKey = readFileSync(resolve(io.cwd, o['public-key']), 'utf8');
          } catch (error) {
            throw new Error(
              `cannot read --public-key ${o['public-key']}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
            );
          }
        } else {
          publicKey = createPublicKey(await localCloudFrontKey(config, { cwd: io.cwd }));
        }
        const keyPairId = o['key-pair-id'] ?? config.login?.cloudfront?.keyPairId;
        if (keyPairId === undefined) throw new UsageError('pass --key-pair-id (or set login.cloudfront.keyPairId)');
        // Without --ip an IP binding is shown, not judged: any documentation address stands in.
        const result = verifySignedUrl(bare, {
          publicKeys: { [keyPairId]: publicKey },
          now,
          viewerIp: o.ip ?? '192.0.2.0',
        });
        const checks = result.checks.map((c) =>
          o.ip === undefined && c.rule === 'ip_address' && c.status === 'fail'
            ? {
                ...c,
                status: 'skip' as const,
                detail: `${c.detail.replace(/^192\.0\.2\.0 is not in /, 'bound to ')} (pass --ip to judge)`,
              }
            : c,
        );
        const failing = checks.filter((c) => c.status === 'fail');
        const cfOk = failing.length === 0 && checks.some((c) => c.rule === 'signature' && c.status === 'pass');
        blocks.push(render('CloudFront signed URL', cfOk, checks, result.ok ? undefined : result.code));
        ok &&= cfOk;
      }
    }
    io.out(`${blocks.join('\n\n')}\n\nverdict: ${ok ? 'accepted' : 'refused'}`);
    return ok ? 0 : 1;
  },
};
