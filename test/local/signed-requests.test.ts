/**
 * The trusted key group on `/files/*`: CloudFront's own signed cookie / signed URL check, before the gate.
 * The URL judged is `https://<config.domain><path>?<query>`, whatever host the viewer used locally.
 */
import { describe, expect, it } from 'vitest';
import { judgedUrl } from '../../local/signed-requests';
import {
  DOMAIN,
  filesDistribution,
  NOW_S,
  sessionToken,
  signedCookieHeader,
  signedPath,
  tenantCookies,
  viewerRequest,
} from './helpers';

const FILES = `https://${DOMAIN}/files/*`;
const session = `__Host-tenant=${sessionToken('acme')}`;

function codeOf(body: Buffer): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(body.toString())?.[1];
}

describe('trusted key group: CloudFront refuses with 403 before the gate runs', () => {
  it.each<[string, string | undefined, string]>([
    ['no signed cookies, no signed URL', session, 'MissingKey'],
    [
      'expired cookies (DateLessThan passed)',
      `${session}; ${signedCookieHeader({ resource: FILES, dateLessThan: NOW_S })}`,
      'AccessDenied',
    ],
    [
      'cookies not valid yet (DateGreaterThan)',
      `${session}; ${signedCookieHeader({ resource: FILES, dateLessThan: NOW_S + 60, dateGreaterThan: NOW_S + 30 })}`,
      'AccessDenied',
    ],
    [
      'cookies for another resource',
      `${session}; ${signedCookieHeader({ resource: `https://${DOMAIN}/other/*`, dateLessThan: NOW_S + 60 })}`,
      'AccessDenied',
    ],
    [
      'cookies for another host',
      `${session}; ${signedCookieHeader({ resource: 'https://cdn.example.com/files/*', dateLessThan: NOW_S + 60 })}`,
      'AccessDenied',
    ],
    [
      'cookies bound to another IP',
      `${session}; ${signedCookieHeader({ resource: FILES, dateLessThan: NOW_S + 60, ip: '198.51.100.7/32' })}`,
      'AccessDenied',
    ],
    [
      'a tampered policy',
      `${session}; ${signedCookieHeader({ resource: FILES, dateLessThan: NOW_S + 60 }).replace(
        /CloudFront-Policy=[^;]+/,
        `CloudFront-Policy=${Buffer.from(
          `{"Statement":[{"Resource":"${FILES}","Condition":{"DateLessThan":{"AWS:EpochTime":${NOW_S + 99999}}}}]}`,
        )
          .toString('base64')
          .replace(/\+/g, '-')
          .replace(/=/g, '_')
          .replace(/\//g, '~')}`,
      )}`,
      'AccessDenied',
    ],
  ])('%s → 403 %s', async (_label, cookie, code) => {
    const { distribution, origin } = await filesDistribution({ keyGroup: true });
    const exchange = await distribution.handle(viewerRequest('/files/welcome.txt', { ...(cookie ? { cookie } : {}) }));
    expect(exchange.response.status).toBe(403);
    expect(codeOf(exchange.response.body)).toBe(code);
    expect(exchange.resultType).toBe('Error');
    expect(origin.calls).toEqual([]);
  });

  it("valid cookies bound to the viewer's IP pass, then the gate rewrites", async () => {
    const { distribution, origin } = await filesDistribution({ keyGroup: true });
    const cookie = `${session}; ${signedCookieHeader({ resource: FILES, dateLessThan: NOW_S + 60, ip: '203.0.113.0/24' })}`;
    const exchange = await distribution.handle(viewerRequest('/files/welcome.txt', { cookie, ip: '203.0.113.10' }));
    expect(exchange.response.status).toBe(200);
    expect(origin.calls).toEqual(['GET /tenants/acme/files/welcome.txt']);
  });

  it('expires on the emulator clock: valid at DateLessThan - 1 s, refused at DateLessThan', async () => {
    const { distribution, clock } = await filesDistribution({ keyGroup: true });
    const cookie = `${session}; ${signedCookieHeader({ resource: FILES, dateLessThan: NOW_S + 10 })}`;
    clock.set((NOW_S + 9) * 1000);
    expect((await distribution.handle(viewerRequest('/files/welcome.txt', { cookie }))).response.status).toBe(200);
    clock.set((NOW_S + 10) * 1000);
    expect((await distribution.handle(viewerRequest('/files/welcome.txt', { cookie }))).response.status).toBe(403);
  });

  it("judges the URL on the distribution's domain, not the local host and port", () => {
    expect(judgedUrl(DOMAIN, { uri: '/files/a.png', querystring: 'token=x' })).toBe(
      'https://localhost/files/a.png?token=x',
    );
    expect(judgedUrl(DOMAIN, { uri: '/files/a.png', querystring: '' })).toBe('https://localhost/files/a.png');
  });
});

describe('a signed URL wins over cookies', () => {
  it('an expired signed URL is refused although the cookies are valid', async () => {
    const { distribution } = await filesDistribution({ keyGroup: true });
    const path = signedPath('/files/welcome.txt', { dateLessThan: NOW_S - 1 });
    const exchange = await distribution.handle(viewerRequest(path, { cookie: tenantCookies('acme') }));
    expect([exchange.response.status, codeOf(exchange.response.body)]).toEqual([403, 'AccessDenied']);
  });

  it('a valid signed URL passes although the cookies are expired', async () => {
    const { distribution } = await filesDistribution({ keyGroup: true });
    const path = signedPath('/files/welcome.txt', { dateLessThan: NOW_S + 60 });
    const stale = `${session}; ${signedCookieHeader({ resource: FILES, dateLessThan: NOW_S - 60 })}`;
    const exchange = await distribution.handle(viewerRequest(path, { cookie: stale }));
    expect(exchange.response.status).toBe(200);
    expect(exchange.response.body.toString()).toContain('Acme');
  });

  it('a signed URL for one file does not open another', async () => {
    const { distribution } = await filesDistribution({ keyGroup: true });
    const path = signedPath('/files/welcome.txt', { dateLessThan: NOW_S + 60 }).replace(
      '/files/welcome.txt',
      '/files/logo.svg',
    );
    const exchange = await distribution.handle(viewerRequest(path, { cookie: tenantCookies('acme') }));
    expect(exchange.response.status).toBe(403);
  });
});
