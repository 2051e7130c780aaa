// Offline tests of your own against tenant-gate: a local distribution per test file, and CloudFront events.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  cloudFrontFunctionViewerRequest,
  lambdaEdgeViewerRequest,
  startLocalDistribution,
  type LocalDistribution,
} from '../../testing/index';

let cdn: LocalDistribution;
beforeAll(async () => {
  cdn = await startLocalDistribution(); // demo/local.config.json; pass { config: 'my.config.json' } for yours
}, 60_000);
afterAll(() => cdn.close());

it('serves a tenant its own files, and only those', async () => {
  const cookie = await cdn.signIn('alice', 'acme');
  const own = await fetch(`${cdn.url}/files/welcome.txt`, { headers: { cookie } });
  expect(own.status).toBe(200);
  expect(await own.text()).toContain('Acme');
  // payroll.txt exists for globex only: the gate looks in acme's folder, where it is missing.
  expect((await fetch(`${cdn.url}/files/payroll.txt`, { headers: { cookie } })).status).toBe(404);
  // No cookies at all: CloudFront's own check refuses before the gate runs.
  expect((await fetch(`${cdn.url}/files/welcome.txt`)).status).toBe(403);
});

it('builds viewer-request events for both runtimes, as CloudFront does', () => {
  const init = { uri: '/files/a.pdf', querystring: 'v=1&v=2', cookies: ['theme=dark; sid=1'] };
  const lambda = lambdaEdgeViewerRequest(init).Records[0]!.cf.request;
  expect(lambda.headers.cookie).toEqual([{ key: 'Cookie', value: 'theme=dark; sid=1' }]);
  expect(lambda.querystring).toBe('v=1&v=2');
  const cff = cloudFrontFunctionViewerRequest(init).request;
  expect(cff.cookies.sid).toEqual({ value: '1' });
  expect(cff.querystring.v).toEqual({ value: '1', multiValue: [{ value: '1' }, { value: '2' }] });
  expect(cff.headers.cookie).toBeUndefined(); // CloudFront Functions get cookies apart from headers
});
