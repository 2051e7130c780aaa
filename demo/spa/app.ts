/**
 * The demo SPA, built on the browser module (client/tenant-gate.ts): sign in through the development
 * identity provider and the login function, exactly as production requires (the identity token in
 * `x-identity-token`, the body's SHA-256 in `x-amz-content-sha256`); list the tenant's files through the
 * gate; open per-file links; rent a film (a folder grant) and play it with hls.js (./player.ts); try what must
 * be refused and read who refused it and why; sign out.
 *
 * Every credential is an HttpOnly cookie: this script never sees a token. It shows the cookies' names and
 * attributes from the local distribution's `x-local-set-cookies` header (local/set-cookie-echo.ts).
 */
import {
  createTenantGate,
  explainRefusal,
  signedBodyHeaders,
  type Refusal,
  type Session,
  type TenantGate,
} from '../../client/tenant-gate';
import { play, type Player } from './player';

interface DemoUser {
  sub: string;
  tenant: string;
}
interface Demo {
  users: DemoUser[];
  crossTenantProbes: Record<string, string>;
  domain: string;
}
interface CookieAttributes {
  name: string;
  attributes: string;
}

const IMAGE = /\.(?:png|jpe?g|gif|svg|webp)$/i;
const USER_KEY = 'tenant-gate-demo-user';
const COOKIES_KEY = 'tenant-gate-demo-cookies';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`#${id} missing`);
  return node as T;
}

function say(message: string, refused = false): void {
  const node = byId('status');
  node.textContent = message;
  node.className = refused ? 'refused' : 'ok';
}

const WHO: Record<Refusal['by'], string> = {
  gate: 'the gate (viewer-request function)',
  login: 'the login (/auth/*)',
  cloudfront: "CloudFront's signed-cookie check (trusted key group)",
  bucket: 'the bucket (S3 origin)',
  network: 'the browser',
};

/** "what: status code — refused by whom: why", in a block the page can style. */
function showRefusal(output: HTMLElement, what: string, refusal: Refusal): void {
  output.className = 'refused refusal';
  output.replaceChildren(
    el('strong', `${what}: ${refusal.status} ${refusal.code}`),
    ' — refused by ',
    el('em', WHO[refusal.by]),
    `: ${refusal.sentence}`,
  );
  output.dataset.refusedBy = refusal.by;
  output.dataset.code = refusal.code;
}

async function refusalOf(response: Response, url: string): Promise<Refusal> {
  return explainRefusal(response.status, await response.clone().text(), url);
}

let demo: Demo;
let gate: TenantGate;
let chosen: DemoUser | undefined;
let current: Session | undefined;
let player: Player | undefined;

/** Records the cookies a response sets (names and attributes) from the local distribution's echo header. */
const observingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const echo = response.headers.get('x-local-set-cookies');
  if (echo !== null) {
    const set = JSON.parse(echo) as CookieAttributes[];
    sessionStorage.setItem(COOKIES_KEY, JSON.stringify(set));
    showCookies();
  }
  return response;
};

function showCookies(): void {
  const rows = byId('cookies');
  rows.replaceChildren();
  const set = JSON.parse(sessionStorage.getItem(COOKIES_KEY) ?? '[]') as CookieAttributes[];
  const expired = set.length > 0 && set.every((c) => /(?:^|;\s*)Max-Age=0(?:;|$)/i.test(c.attributes));
  byId('cookies-caption').textContent =
    set.length === 0
      ? 'No cookie set yet in this tab.'
      : expired
        ? 'The last response expired these cookies (sign-out):'
        : 'The last sign-in set these cookies (values never shown; HttpOnly: no script, this one included, can read them):';
  for (const cookie of set) {
    const row = el('tr');
    row.append(el('td', cookie.name), el('td', cookie.attributes));
    rows.append(row);
  }
}

async function identityToken(): Promise<string> {
  if (chosen === undefined) throw new Error('choose a demo user');
  const idp = await fetch('/dev/idp/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: chosen.sub, tenant: chosen.tenant }),
  });
  if (!idp.ok) throw new Error(`identity provider: ${idp.status}`);
  return ((await idp.json()) as { id_token: string }).id_token;
}

async function signIn(user: DemoUser): Promise<void> {
  chosen = user;
  say(`Signing in as ${user.sub}@${user.tenant}…`);
  try {
    await gate.signIn();
  } catch {
    return; // onSignInNeeded has shown why
  }
  sessionStorage.setItem(USER_KEY, user.sub);
  await refresh();
}

async function signOut(): Promise<void> {
  // A rented film keeps playing without a session (the grant is its own credential); the demo stops it anyway.
  player?.stop();
  try {
    await gate.signOut();
    say('Signed out: the cookies are expired.');
  } catch (error) {
    say(`sign out: ${(error as Error).message}`, true);
  }
  sessionStorage.removeItem(USER_KEY);
  current = undefined;
  show();
}

/** Every session and link of this user issued until now stops working, wherever it was copied. */
async function signOutEverywhere(): Promise<void> {
  try {
    const before = await gate.signOutEverywhere();
    say(
      `Signed out everywhere: every session and link issued before ${new Date(before * 1000).toISOString()} is ` +
        'refused now (401 revoked) — open a link made before to see it die. Signing in again gives a fresh session.',
    );
  } catch (error) {
    say(`sign out everywhere: ${(error as Error).message}`, true);
    return;
  }
  sessionStorage.removeItem(USER_KEY);
  current = undefined;
  show();
}

/** A link as the login function makes it for the real distribution, opened on this local one instead. */
function localized(url: string): string {
  // On the multi-tenant demo a link names the distribution tenant's own domain: this page's host name.
  for (const host of [demo.domain, location.hostname]) {
    const prefix = `https://${host}/`;
    if (url.startsWith(prefix)) return `${location.origin}/${url.slice(prefix.length)}`;
  }
  return url;
}

async function makeLink(path: string): Promise<void> {
  const seconds = Number(byId<HTMLInputElement>('link-seconds').value) || 60;
  const output = byId('link-output');
  output.replaceChildren();
  delete output.dataset.refusedBy;
  try {
    const [link] = await gate.links([path], { expiresIn: seconds });
    const anchor = el('a', `${path} (valid until ${new Date(link!.expires * 1000).toLocaleTimeString()})`);
    anchor.id = 'signed-link';
    anchor.href = localized(link!.url);
    anchor.target = '_blank';
    output.className = 'ok';
    output.append('Signed link: ', anchor, ' ');
    const check = el('button', 'check it now');
    check.type = 'button';
    check.id = 'check-link';
    check.addEventListener('click', () => void checkLink(anchor.href));
    output.append(check, el('span'));
  } catch (error) {
    const refusal = (error as { refusal?: Refusal }).refusal;
    if (refusal) showRefusal(output, 'link', refusal);
    else output.textContent = String(error);
  }
}

/** Fetches a link without the session cookies: the link alone must open the file, until it expires. */
async function checkLink(href: string): Promise<void> {
  const output = byId('link-check-output');
  const response = await fetch(href, { credentials: 'omit' });
  if (response.ok) {
    output.className = 'ok';
    output.textContent = `the link alone opens it: ${response.status}`;
    delete output.dataset.refusedBy;
  } else showRefusal(output, 'the link', await refusalOf(response, href));
}

async function showFiles(): Promise<void> {
  const thumbs = byId('thumbs');
  const list = byId('files');
  thumbs.replaceChildren();
  list.replaceChildren();
  byId('welcome-text').textContent = '';
  const index = await gate.fetch('/files/index.json');
  if (!index.ok) return showRefusal(byId('status'), '/files/index.json', await refusalOf(index, '/files/index.json'));
  const { files } = (await index.json()) as { files: string[] };
  for (const name of files) {
    const path = `/files/${name}`;
    if (IMAGE.test(name)) {
      // A plain image tag: the browser sends the cookies, the edge does the rest.
      const img = el('img');
      img.className = 'thumb';
      img.alt = name;
      img.src = path;
      thumbs.append(img);
    }
    const item = el('li');
    const open = el('a', name);
    open.href = path;
    open.target = '_blank';
    const button = el('button', 'signed link');
    button.type = 'button';
    button.className = 'make-link';
    button.dataset.path = path;
    button.addEventListener('click', () => void makeLink(path));
    item.append(open, ' ', button);
    list.append(item);
  }
  const welcome = await gate.fetch('/files/welcome.txt');
  byId('welcome-text').textContent = welcome.ok ? await welcome.text() : `welcome.txt: ${welcome.status}`;
}

/** "Rent for 48 hours": a folder grant bound to this viewer's address, then the film through it. */
async function rentFilm(dir: string): Promise<void> {
  const seconds = Number(byId<HTMLInputElement>('grant-seconds').value) || 172800;
  const output = byId('rent-output');
  const playerOutput = byId('player-output');
  player?.stop();
  playerOutput.replaceChildren();
  delete playerOutput.dataset.refusedBy;
  try {
    const grant = await gate.grant(dir, { expiresIn: seconds, bindIp: true });
    output.className = 'ok';
    output.textContent = `rented until ${new Date(grant.expires * 1000).toLocaleString()}, from this address only`;
    const video = byId<HTMLVideoElement>('player');
    video.hidden = false;
    const playlist = localized(grant.url) + 'master.m3u8';
    video.dataset.playlist = playlist;
    player = play(video, playlist, (refused) => {
      // The same request once more, to read who refused it and why (the gate's JSON body).
      void fetch(refused.url, { credentials: 'omit' })
        .then((response) => refusalOf(response, refused.url))
        .then((refusal) => showRefusal(playerOutput, 'the next part of the film', refusal));
    });
  } catch (error) {
    const refusal = (error as { refusal?: Refusal }).refusal;
    if (refusal) showRefusal(output, 'rent', refusal);
    else output.textContent = String(error);
  }
}

/** Runs one probe: what must be refused, and the page says by whom and why. */
async function probe(outputId: string, what: string, run: () => Promise<Response>, url: string): Promise<void> {
  const output = byId(outputId);
  const response = await run();
  if (response.ok) {
    output.className = 'refused';
    output.textContent = `${what}: ${response.status} (unexpected!)`;
    return;
  }
  showRefusal(output, what, await refusalOf(response, url));
}

function probeFile(): Promise<void> {
  const path = demo.crossTenantProbes[current?.tenant ?? ''] ?? '/files/not-here.txt';
  return probe('probe-output', path, () => fetch(path), path);
}

function probeNoCookies(): Promise<void> {
  return probe(
    'probe-cookies-output',
    '/files/welcome.txt without cookies',
    () => fetch('/files/welcome.txt', { credentials: 'omit' }),
    '/files/welcome.txt',
  );
}

async function probeLink(): Promise<void> {
  const tenant = current?.tenant ?? '';
  const other = demo.users.find((u) => u.tenant !== tenant)?.tenant ?? 'someone-else';
  const body = JSON.stringify({ paths: ['/files/welcome.txt'], expiresIn: 60, tenant: other });
  await probe(
    'probe-link-output',
    `link for tenant ${other}`,
    async () => fetch('/auth/links', { method: 'POST', headers: await signedBodyHeaders(body), body }),
    '/auth/links',
  );
}

function show(): void {
  byId('signin').hidden = current !== undefined;
  byId('workspace').hidden = current === undefined;
  showCookies();
  if (current !== undefined) {
    byId('who').textContent = current.user ?? sessionStorage.getItem(USER_KEY) ?? '(the login does not say)';
    byId('tenant-name').textContent = current.tenant;
    byId('session-expiry').textContent =
      `session until ${new Date(current.expires * 1000).toLocaleTimeString()}, renewed a minute before`;
  }
}

async function refresh(): Promise<void> {
  current = await gate.session();
  show();
  if (current === undefined) return;
  say(`Signed in: tenant ${current.tenant}.`);
  await showFiles();
}

async function main(): Promise<void> {
  demo = (await (await fetch('/demo.json')).json()) as Demo;
  gate = createTenantGate({
    getIdentityToken: identityToken,
    fetch: observingFetch,
    onSignInNeeded: (refusal) => showRefusal(byId('status'), 'sign-in', refusal),
    onSessionChange: (session) => {
      current = session;
    },
  });
  const remembered = sessionStorage.getItem(USER_KEY);
  chosen = demo.users.find((u) => u.sub === remembered);
  const users = byId('users');
  for (const user of demo.users) {
    const button = el('button', `${user.sub}@${user.tenant}`);
    button.type = 'button';
    button.dataset.user = user.sub;
    button.addEventListener('click', () => void signIn(user));
    users.append(button);
  }
  byId('signout').addEventListener('click', () => void signOut());
  byId('signout-everywhere').addEventListener('click', () => void signOutEverywhere());
  byId('probe-file').addEventListener('click', () => void probeFile());
  byId('probe-cookies').addEventListener('click', () => void probeNoCookies());
  byId('probe-link').addEventListener('click', () => void probeLink());
  const rent = byId('rent-film');
  rent.addEventListener('click', () => void rentFilm(rent.dataset.dir ?? ''));
  await refresh();
  document.body.dataset.ready = 'true';
}

void main();
