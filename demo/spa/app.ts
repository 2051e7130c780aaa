/**
 * The demo SPA: sign in through the development identity provider and the login function, list the
 * tenant's files through the gate, open per-file signed links, try another tenant's file, sign out.
 * Every credential is an HttpOnly cookie: this script never sees a token, it only asks for them to be set.
 */

interface DemoUser {
  sub: string;
  tenant: string;
}
interface Demo {
  users: DemoUser[];
  crossTenantProbes: Record<string, string>;
  domain: string;
}
interface Session {
  tenant: string;
  expires: number;
}

const IMAGE = /\.(?:png|jpe?g|gif|svg|webp)$/i;

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

/** The body's `error` code (the gate and the login function) or CloudFront's XML `<Code>`. */
async function reason(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as { error?: string };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON
  }
  return /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? text.slice(0, 80);
}

let demo: Demo;
let current: { user: string; session: Session } | undefined;

async function signIn(user: DemoUser): Promise<void> {
  say(`Signing in as ${user.sub}@${user.tenant}…`);
  const idp = await fetch('/dev/idp/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: user.sub, tenant: user.tenant }),
  });
  if (!idp.ok) return say(`identity provider: ${idp.status} ${await reason(idp)}`, true);
  const { id_token: idToken } = (await idp.json()) as { id_token: string };
  const login = await fetch('/auth/session', {
    method: 'POST',
    headers: { 'x-identity-token': `Bearer ${idToken}`, 'content-type': 'application/json' },
    body: '{}',
  });
  if (login.status !== 204) return say(`login: ${login.status} ${await reason(login)}`, true);
  sessionStorage.setItem('tenant-gate-demo-user', user.sub);
  await refresh();
}

async function signOut(): Promise<void> {
  const response = await fetch('/auth/session', { method: 'DELETE' });
  sessionStorage.removeItem('tenant-gate-demo-user');
  current = undefined;
  say(
    response.status === 204 ? 'Signed out: the cookies are expired.' : `sign out: ${response.status}`,
    response.status !== 204,
  );
  show();
}

/** A link as the login function makes it for the real distribution, opened on this local one instead. */
function localized(url: string): string {
  const prefix = `https://${demo.domain}`;
  return url.startsWith(prefix) ? `${location.origin}${url.slice(prefix.length)}` : url;
}

async function makeLink(path: string): Promise<void> {
  const seconds = Number(byId<HTMLInputElement>('link-seconds').value) || 60;
  const response = await fetch('/auth/links', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ paths: [path], expiresIn: seconds }),
  });
  const output = byId('link-output');
  output.replaceChildren();
  if (!response.ok) {
    output.className = 'refused';
    output.textContent = `link refused: ${response.status} ${await reason(response)}`;
    return;
  }
  const { links } = (await response.json()) as { links: { path: string; url: string; expires: number }[] };
  const link = el('a', `${path} (valid until ${new Date(links[0]!.expires * 1000).toLocaleTimeString()})`);
  link.id = 'signed-link';
  link.href = localized(links[0]!.url);
  link.target = '_blank';
  output.className = 'ok';
  output.append('Signed link: ', link);
}

async function showFiles(): Promise<void> {
  const thumbs = byId('thumbs');
  const list = byId('files');
  thumbs.replaceChildren();
  list.replaceChildren();
  byId('welcome-text').textContent = '';
  const index = await fetch('/files/index.json');
  if (!index.ok) return say(`listing: ${index.status} ${await reason(index)}`, true);
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
  const welcome = await fetch('/files/welcome.txt');
  byId('welcome-text').textContent = welcome.ok ? await welcome.text() : `welcome.txt: ${welcome.status}`;
}

async function probeFile(): Promise<void> {
  const tenant = current?.session.tenant ?? '';
  const path = demo.crossTenantProbes[tenant] ?? '/files/not-here.txt';
  const response = await fetch(path);
  const output = byId('probe-output');
  output.className = response.ok ? 'ok' : 'refused';
  output.textContent = response.ok
    ? `${path}: ${response.status} (unexpected!)`
    : `${path}: ${response.status} ${await reason(response)} — the gate looked in tenants/${tenant}/files/, never another tenant's folder`;
}

async function probeLink(): Promise<void> {
  const tenant = current?.session.tenant ?? '';
  const other = demo.users.find((u) => u.tenant !== tenant)?.tenant ?? 'someone-else';
  const response = await fetch('/auth/links', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ paths: ['/files/welcome.txt'], expiresIn: 60, tenant: other }),
  });
  const output = byId('probe-link-output');
  output.className = response.ok ? 'ok' : 'refused';
  output.textContent = `link for tenant ${other}: ${response.status} ${response.ok ? '(unexpected!)' : await reason(response)}`;
}

function show(): void {
  byId('signin').hidden = current !== undefined;
  byId('workspace').hidden = current === undefined;
  if (current !== undefined) {
    byId('who').textContent = current.user;
    byId('tenant-name').textContent = current.session.tenant;
    byId('session-expiry').textContent =
      `session until ${new Date(current.session.expires * 1000).toLocaleTimeString()}`;
  }
}

async function refresh(): Promise<void> {
  const response = await fetch('/auth/session');
  if (response.status !== 200) {
    current = undefined;
    show();
    return;
  }
  current = {
    user: sessionStorage.getItem('tenant-gate-demo-user') ?? 'you',
    session: (await response.json()) as Session,
  };
  show();
  say(`Signed in: tenant ${current.session.tenant}.`);
  await showFiles();
}

async function main(): Promise<void> {
  demo = (await (await fetch('/demo.json')).json()) as Demo;
  const users = byId('users');
  for (const user of demo.users) {
    const button = el('button', `${user.sub}@${user.tenant}`);
    button.type = 'button';
    button.dataset.user = user.sub;
    button.addEventListener('click', () => void signIn(user));
    users.append(button);
  }
  byId('signout').addEventListener('click', () => void signOut());
  byId('probe-file').addEventListener('click', () => void probeFile());
  byId('probe-link').addEventListener('click', () => void probeLink());
  await refresh();
  document.body.dataset.ready = 'true';
}

void main();

// A module, not a global script: its names must not meet the DOM's globals (`status`, `name`…).
export {};
