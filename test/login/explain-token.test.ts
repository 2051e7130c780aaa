/** `tenant-gate verify` explains with its own rule list; the verdict is the gate's. Both must agree on every token. */
import { describe, expect, it } from 'vitest';
import { explainToken } from '../../login/explain-token';
import { createKeyRing } from '../../functions/key-ring';
import { tokenCases } from '../cases/token-cases';
import { CONFIG } from '../helpers/keys';
import { mintLink, NOW } from '../helpers/tokens';

const keys = createKeyRing(CONFIG.keys);

describe('explainToken agrees with the gate', () => {
  it.each(tokenCases)('$name', ({ token, expect: expected }) => {
    const explained = explainToken(token, CONFIG, keys, NOW);
    expect(explained.result.ok ? 'ok' : explained.result.failure).toBe(expected);
    const firstFailure = explained.checks.find((c) => c.status === 'fail');
    expect(firstFailure?.code ?? 'ok').toBe(expected);
    expect(explained.ok).toBe(expected === 'ok');
  });

  it('judges a link token against the path and viewer IP it is used with', () => {
    const link = mintLink('/files/film.mp4', { ip: '192.0.2.4' });
    expect(explainToken(link, CONFIG, keys, NOW, { path: '/files/film.mp4', ip: '192.0.2.4' }).ok).toBe(true);
    const otherPath = explainToken(link, CONFIG, keys, NOW, { path: '/files/other.mp4', ip: '192.0.2.4' });
    expect([otherPath.ok, otherPath.checks.find((c) => c.status === 'fail')?.code]).toEqual([
      false,
      'link_path_mismatch',
    ]);
    const otherIp = explainToken(link, CONFIG, keys, NOW, { path: '/files/film.mp4', ip: '192.0.2.5' });
    expect([otherIp.ok, otherIp.checks.find((c) => c.status === 'fail')?.code]).toEqual([false, 'link_ip_mismatch']);
  });
});
