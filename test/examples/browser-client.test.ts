// The browser module in a single-page app: sign in, read files, make a link, sign out.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTenantGate } from '../../client/tenant-gate';
import { startLocalDistribution, type LocalDistribution } from '../../testing/index';
import { cookieJarFetch } from '../helpers/cookie-jar';

let cdn: LocalDistribution;
beforeAll(async () => void (cdn = await startLocalDistribution()), 60_000);
afterAll(() => cdn.close());

it('signs in, reads a file, makes a link and signs out', async () => {
  const gate = createTenantGate({
    getIdentityToken: () => cdn.identityToken('alice', 'acme'), // your OIDC provider's ID token
    onSignInNeeded: (refusal) => console.warn(refusal.sentence), // e.g. redirect to your login page
    baseUrl: cdn.url, // in a browser: omit (the page's own origin)
    fetch: cookieJarFetch(), // in a browser: omit (the browser keeps the cookies)
  });
  const session = await gate.signIn();
  expect(session.tenant).toBe('acme');

  const file = await gate.fetch('/files/welcome.txt'); // a 401 here would sign in again and retry once
  expect(await file.text()).toContain('Acme');

  const [link] = await gate.links(['/files/welcome.txt'], { expiresIn: 300 });
  expect(link!.url).toMatch(/^https:\/\/localhost\/files\/welcome\.txt\?token=/);

  await gate.signOut();
  expect(await gate.session()).toBeUndefined();
  gate.close();
});
