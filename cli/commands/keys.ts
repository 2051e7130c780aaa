/**
 * `tenant-gate keys`: new key material — an HS256 secret, an ES256 pair for tenant tokens, or an RSA-2048 pair
 * for CloudFront signed URLs and cookies. Public halves are printed ready to paste (the gate config's `keys[]`
 * entry, or the PEM CloudFront's "Public keys" page takes); with `--out` every file holding a secret is written
 * mode 0600 (exactly, whatever the umask) into a folder created 0700, under a name `.gitignore` covers.
 *
 * An existing `--out` folder is used whatever its mode: each secret file is created anew (O_EXCL: never an
 * existing file, never through a planted symlink) and readable by its owner alone, so the folder's mode exposes
 * no secret; and the public CloudFront key belongs in `cloudfront-keys/<stage>/`, an ordinary folder of the
 * repository.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CLOUDFRONT_KEY_NAME } from '../../deploy/cloudfront-key-name';
import { UsageError, type CliIO, type Command } from '../command';

const TYPES = ['hs256', 'es256', 'cloudfront'] as const;
type KeyType = (typeof TYPES)[number];

const usage = `usage: tenant-gate keys <hs256|es256|cloudfront> [--kid KID] [--out DIR]

  hs256       a 32-byte HS256 secret: the gate config keys[] entry, and the secret for login.secrets.signingKey
  es256       an ES256 pair: the keys[] entry (public JWK), and the private key (PKCS#8 PEM) for login.secrets.signingKey
  cloudfront  an RSA-2048 pair: the public key (PEM) to paste into CloudFront > Public keys, and the private key
              (PKCS#8 PEM) for login.secrets.cloudfrontPrivateKey

options:
  --kid KID   the key id (default: <type>-<YYYY-MM>; for cloudfront 1 to 64 of A-Z a-z 0-9 _ -)
  --out DIR   write the files below to DIR (created mode 0700) instead of printing the private half; files
              holding a secret are mode 0600 and git-ignored; existing files are never overwritten
                hs256       <kid>.secret, <kid>.secret.json (the keys[] entry: it holds the secret too)
                es256       <kid>.private.pem, <kid>.key.json (public)
                cloudfront  <kid>.private.key, <kid>.pem (public: packaging publishes every *.pem of
                            cloudfront-keys/<stage>/, so --out cloudfront-keys/<stage> is ready to deploy)

Store private halves as an SSM SecureString or a Secrets Manager secret, never in the repository.`;

const SECRET_MODE = 0o600;
const PUBLIC_MODE = 0o644;
const FOLDER_MODE = 0o700;

function writeNew(path: string, content: string, mode: number): void {
  // 'wx': fail if the file exists, so a new key never silently replaces one in use.
  const fd = openSync(path, 'wx', mode);
  try {
    // The mode given to open is cut by the umask; set it exactly (a umask can only remove bits, but say so).
    fchmodSync(fd, mode);
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}

export const command: Command = {
  name: 'keys',
  summary: 'generate an HS256 secret, an ES256 pair or an RSA-2048 CloudFront pair',
  usage,
  async run(argv: string[], io: CliIO): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        options: { kid: { type: 'string' }, out: { type: 'string' } },
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const [type, ...extra] = parsed.positionals;
    if (type === undefined) throw new UsageError('which kind of key? hs256, es256 or cloudfront');
    if (!(TYPES as readonly string[]).includes(type))
      throw new UsageError(`unknown key type "${type}" (hs256, es256 or cloudfront)`);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const kid = parsed.values.kid ?? `${type === 'cloudfront' ? 'cf' : type}-${new Date().toISOString().slice(0, 7)}`;
    if (!/^[\x21-\x7e]{1,128}$/.test(kid) || /[/\\]/.test(kid))
      throw new UsageError('--kid must be 1 to 128 printable characters without slashes');
    if (type === 'cloudfront' && !CLOUDFRONT_KEY_NAME.test(kid))
      throw new UsageError('--kid of a CloudFront key must be 1 to 64 of A-Z a-z 0-9 _ - (its file is <kid>.pem)');
    const out =
      parsed.values.out === undefined
        ? undefined
        : isAbsolute(parsed.values.out)
          ? parsed.values.out
          : resolve(io.cwd, parsed.values.out);

    let publicText: string;
    let privateText: string;
    let privateName: string;
    let publicName: string;
    let publicMode = PUBLIC_MODE;
    let publicLabel: string;
    switch (type as KeyType) {
      case 'hs256': {
        const secret = randomBytes(32).toString('base64url');
        publicText = JSON.stringify({ kid, alg: 'HS256', secret }, null, 2);
        publicLabel = 'gatekeeper.config.json keys[] entry (HS256: the verifier holds the secret too)';
        privateText = `${secret}\n`;
        privateName = `${kid}.secret`;
        publicName = `${kid}.secret.json`;
        publicMode = SECRET_MODE;
        break;
      }
      case 'es256': {
        const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        publicText = JSON.stringify(
          { kid, alg: 'ES256', publicKeyJwk: pair.publicKey.export({ format: 'jwk' }) },
          null,
          2,
        );
        publicLabel = 'gatekeeper.config.json keys[] entry';
        privateText = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
        privateName = `${kid}.private.pem`;
        publicName = `${kid}.key.json`;
        break;
      }
      case 'cloudfront': {
        const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
        publicText = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString().trim();
        publicLabel =
          'public key: paste into CloudFront > Public keys, add it to the key group, put its ID in login.cloudfront.keyPairId';
        privateText = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
        // Not `.pem`: packaging reads every *.pem of the folder as a public key and refuses a private one.
        privateName = `${kid}.private.key`;
        publicName = `${kid}.pem`;
        break;
      }
    }

    if (out === undefined) {
      io.out(
        `# ${publicLabel}\n${publicText}\n\n# private — store as an SSM SecureString or Secrets Manager secret, never in the repository\n${privateText.trim()}`,
      );
      return 0;
    }
    mkdirSync(out, { recursive: true, mode: FOLDER_MODE });
    const privatePath = join(out, privateName);
    const publicPath = join(out, publicName);
    try {
      writeNew(privatePath, privateText, SECRET_MODE);
      writeNew(publicPath, `${publicText}\n`, publicMode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        throw new Error(
          `${(error as NodeJS.ErrnoException).path ?? out} already exists; choose another --kid or --out`,
        );
      throw error;
    }
    const publicNote = publicMode === SECRET_MODE ? ' (holds the secret, mode 0600)' : '';
    io.out(
      `# ${publicLabel}\n${publicText}\n\nwrote ${privatePath} (private, mode 0600)\nwrote ${publicPath}${publicNote}`,
    );
    return 0;
  },
};
