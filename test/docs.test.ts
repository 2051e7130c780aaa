/**
 * Every fenced block of README.md and docs/*.md carries one mark on the line before it, and the mark is kept
 * (docs/reference.md#the-docs-are-tested):
 * - `<!-- runnable -->`: this test runs each line (`npx tenant-gate …` in process, `npm start …` as a process);
 * - `<!-- runnable: FILE -->`: FILE runs it: FILE holds the block verbatim, or reads the page and runs its commands;
 * - `<!-- shown-only -->`: cannot run here (real AWS, the suite itself); the block is in test/fixtures/docs/shown-only.md;
 * - `<!-- picture -->`: a diagram, a tree, sample output; never on a code block.
 * A block with no mark fails, so the docs cannot drift from the code unseen.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CliIO } from '../cli/command';
import { cloudFront } from '../cli/commands/attach';
import { main } from '../cli/main';

const ROOT = join(import.meta.dirname, '..');
const SHOWN_ONLY_FIXTURE = 'test/fixtures/docs/shown-only.md';
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const CODE = new Set(['sh', 'bash', 'shell', 'ts', 'typescript', 'js', 'javascript', 'json']);

export interface Block {
  readonly page: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly info: string;
  readonly body: string;
  /** `runnable`, `runnable: FILE`, `shown-only`, `picture`, or undefined when the line before the fence is no mark. */
  readonly mark: string | undefined;
}

const MARK = /^<!-- (runnable(?:: \S+)?|shown-only|picture) -->$/;

/** The fenced blocks of a markdown text, each with the mark on the line before its fence. */
export function blocksOf(page: string, text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(.*)$/.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '', info = ''] = open;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !(lines[i] ?? '').startsWith(`${indent}${fence}`); i++)
      body.push((lines[i] ?? '').slice(indent.length));
    const before = (lines[start - 1] ?? '').trim();
    blocks.push({
      page,
      line: start + 1,
      info: info.trim(),
      body: body.length > 0 ? `${body.join('\n')}\n` : '',
      mark: MARK.exec(before)?.[1],
    });
  }
  return blocks;
}

const ALL = PAGES.flatMap((page) => blocksOf(page, readFileSync(join(ROOT, page), 'utf8')));
const where = (b: Block): string => `${b.page}:${b.line}`;
const language = (b: Block): string => b.info.split(/\s+/)[0] ?? '';

/** `file` holds `body` verbatim, at any indentation (a snippet inside a test function). */
function holds(file: string, body: string): boolean {
  const lines = body.trimEnd().split('\n');
  for (const indent of ['', '  ', '    ', '      ']) {
    if (file.includes(lines.map((l) => (l === '' ? '' : `${indent}${l}`)).join('\n'))) return true;
  }
  return false;
}

/** The commands of a shell block: `\` continuations joined, comments and blank lines dropped. */
export function commandsOf(body: string): string[] {
  return body
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.replace(/(^|\s+)#.*$/, '').trim())
    .filter((l) => l !== '');
}

describe('the marks', () => {
  it('finds the blocks of README.md and of every page of docs/', () => {
    expect(PAGES).toEqual(expect.arrayContaining(['README.md', 'docs/deploy.md', 'docs/spa.md', 'docs/testing.md']));
    expect(ALL.length).toBeGreaterThan(20);
  });

  it('every fenced block has a mark on the line before it', () => {
    expect(ALL.filter((b) => b.mark === undefined).map(where)).toEqual([]);
  });

  it('a block without a mark, or with an unknown one, is found (the check can fail)', () => {
    const text = ['text', '```sh', 'npm start', '```', '<!-- runnable-ish -->', '```sh', 'npm ci', '```'].join('\n');
    expect(blocksOf('x.md', text).map((b) => b.mark)).toEqual([undefined, undefined]);
    const marked = ['<!-- runnable: test/a.test.ts -->', '  ```ts', '  const a = 1;', '  ```'].join('\n');
    expect(blocksOf('x.md', marked)).toEqual([
      { page: 'x.md', line: 2, info: 'ts', body: 'const a = 1;\n', mark: 'runnable: test/a.test.ts' },
    ]);
  });

  it('a picture is never code', () => {
    expect(ALL.filter((b) => b.mark === 'picture' && CODE.has(language(b))).map(where)).toEqual([]);
  });

  it('a plain runnable block is a shell block', () => {
    expect(ALL.filter((b) => b.mark === 'runnable' && !['sh', 'bash'].includes(language(b))).map(where)).toEqual([]);
  });
});

describe('runnable: FILE', () => {
  const byFile = ALL.filter((b) => b.mark?.startsWith('runnable: '));

  it.each(byFile.map((b) => [where(b), b] as const))('%s: the file holds the block or runs the page', (_, b) => {
    const file = b.mark!.slice('runnable: '.length);
    expect(file).toMatch(/^test\/.+\.test\.ts$/); // a file of the suite (vitest.config.mts includes test/**/*.test.ts)
    expect(existsSync(join(ROOT, file)), file).toBe(true);
    const text = readFileSync(join(ROOT, file), 'utf8');
    // A whole example file is shown verbatim; a snippet may sit inside a test; or the file reads this very page.
    expect(holds(text, b.body) || text.includes(`'${basename(b.page)}'`), `${file} neither holds nor reads it`).toBe(
      true,
    );
  });

  it('an example shown whole is the file, byte for byte', () => {
    for (const b of byFile.filter((x) => x.body.startsWith('// '))) {
      expect(b.body).toBe(readFileSync(join(ROOT, b.mark!.slice('runnable: '.length)), 'utf8'));
    }
  });
});

describe('shown-only', () => {
  const shown = ALL.filter((b) => b.mark === 'shown-only');
  const fixture = readFileSync(join(ROOT, SHOWN_ONLY_FIXTURE), 'utf8');
  const entries = blocksOf(SHOWN_ONLY_FIXTURE, fixture);

  it.each(shown.map((b) => [where(b), b] as const))(`%s is in ${SHOWN_ONLY_FIXTURE}`, (_, b) => {
    expect(entries.some((e) => e.info === b.info && e.body === b.body)).toBe(true);
  });

  it('every entry of the fixture is still shown by a page (neither side drifts)', () => {
    const stale = entries.filter((e) => !shown.some((b) => e.info === b.info && e.body === b.body));
    expect(stale.map((e) => `${SHOWN_ONLY_FIXTURE}:${e.line}`)).toEqual([]);
  });

  it('a json block parses (a fragment as the member of an object)', () => {
    for (const b of shown.filter((x) => language(x) === 'json')) {
      expect(() => {
        try {
          JSON.parse(b.body);
        } catch {
          JSON.parse(`{${b.body}}`);
        }
      }, where(b)).not.toThrow();
    }
  });
});

describe("the README's first screen", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const first = readme.slice(0, readme.indexOf('\n## Contents'));
  const blocks = blocksOf('README.md', first);

  it('holds the picture of a request, npm start, and npm ci / npm test as plain lines of a code block', () => {
    expect(blocks.map((b) => language(b))).toEqual(['mermaid', 'sh', 'sh']);
    expect(blocks[0]!.body).toMatch(/x-identity-token/);
    expect(blocks[0]!.body).toMatch(/tenants\/acme\/files/);
    expect(blocks.flatMap((b) => b.body.split('\n'))).toEqual(
      expect.arrayContaining(['npm start', 'npm ci', 'npm test']),
    );
    expect(readme.indexOf('## Contents')).toBeGreaterThan(0);
  });
});

/** GitHub's heading anchor: lower case, punctuation but `-` and `_` dropped, spaces to `-`. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

describe('relative links', () => {
  const text = (page: string): string => readFileSync(join(ROOT, page), 'utf8');
  /** Outside fenced blocks. */
  const unfenced = (page: string): string => text(page).replace(/^(\s*)(`{3,})[^\n]*\n[\s\S]*?^\1\2\s*$/gm, '');
  /** Outside fenced blocks and code spans. */
  const prose = (page: string): string => unfenced(page).replace(/`[^`\n]*`/g, '');
  const anchors = (page: string): Set<string> =>
    new Set([...unfenced(page).matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1] ?? '')));
  const links = PAGES.flatMap((page) =>
    [...prose(page).matchAll(/\]\((?!https?:|mailto:)([^)\s]+)\)/g)].map(
      (m) => [`${page} → ${m[1]}`, page, m[1]!] as const,
    ),
  );

  it("the slug is GitHub's", () => {
    expect(slug('The login origin (`/auth/*`)')).toBe('the-login-origin-auth');
    expect(slug('8. Remove and redeploy, and the Lambda@Edge clean-up later')).toBe(
      '8-remove-and-redeploy-and-the-lambdaedge-clean-up-later',
    );
  });

  it.each(links)('%s', (_, page, target) => {
    const [path = '', anchor] = target.split('#');
    const file = path === '' ? page : join(page.includes('/') ? page.slice(0, page.lastIndexOf('/')) : '', path);
    expect(existsSync(join(ROOT, file)), file).toBe(true);
    if (anchor !== undefined && file.endsWith('.md')) expect([...anchors(file)]).toContain(anchor);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Running the plain runnable blocks
// ---------------------------------------------------------------------------------------------------------------

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'tenant-gate-docs-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** `npx tenant-gate …` through the CLI entry, in the scratch folder; no AWS call can be made. */
async function tenantGate(args: string[]): Promise<{ code: number; out: string; err: string }> {
  vi.spyOn(cloudFront, 'client').mockImplementation(() => {
    throw new Error('a runnable block may not reach AWS: mark it runnable: FILE (with fakes) or shown-only');
  });
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), cwd: scratch };
  const code = await main(args, io);
  return { code, out, err };
}

/** `npm start …` as a real process on a free port, until it serves the demo SPA; then stopped. */
async function npmStart(args: string[]): Promise<{ url: string; status: number; filesWithoutCookie: number }> {
  const child = spawn('npm', ['start', ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0' },
    detached: true, // its own process group: npm, tsx and node stop together
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`npm start printed no URL within 60 s:\n${seen}`)), 60_000);
      child.stderr.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const m = /local distribution: (http:\/\/\S+)/.exec(seen);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1].replace('localhost', '127.0.0.1'));
        }
      });
      child.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${seen}`)));
    });
    const page = await fetch(`${url}/`);
    const files = await fetch(`${url}/files/welcome.txt`);
    return { url, status: page.status, filesWithoutCookie: files.status };
  } finally {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  }
}

describe('runnable', () => {
  const commands = ALL.filter((b) => b.mark === 'runnable').flatMap((b) =>
    commandsOf(b.body).map((command) => [`${where(b)}: ${command}`, command] as const),
  );

  it('there are commands to run', () => expect(commands.length).toBeGreaterThan(2));

  it.each(commands)(
    '%s',
    async (_, command) => {
      expect(command, 'a runnable line is one plain command').not.toMatch(/[|;&<>$`"']/);
      const [program, ...args] = command.split(/\s+/);
      if (program === 'npx' && args[0] === 'tenant-gate') {
        const r = await tenantGate(args.slice(1));
        expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
        return;
      }
      if (program === 'npm' && args[0] === 'start' && (args.length === 1 || args[1] === '--')) {
        const r = await npmStart(args.slice(1));
        expect(r.status).toBe(200); // the demo SPA
        expect(r.filesWithoutCookie).toBe(403); // a file without a session: CloudFront's signed-cookie check refuses
        return;
      }
      expect.unreachable(`no runner for "${command}": run it in test/docs.test.ts, or mark the block otherwise`);
    },
    90_000,
  );
});
