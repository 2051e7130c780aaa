/** `tenant-gate verify` explains with its own rule list; the verdict is the gate's. Both must agree on every token. */
import { describe, expect, it } from 'vitest';
import { explainToken } from '../../login/explain-token';
import { createKeyRing } from '../../functions/key-ring';
import { tokenCases } from '../cases/token-cases';
import { CONFIG } from '../helpers/keys';
import { mint, mintLink, NOW } from '../helpers/tokens';

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

  describe('with scopes: sub, the scope claims, and the verdict on a path', () => {
    const scoped = { ...CONFIG, scopes: { rules: [{ path: '/files/users/{sub}/' }], default: 'allow' as const } };
    const codeOf = (token: string, path?: string) => {
      const explained = explainToken(token, scoped, keys, NOW, path === undefined ? {} : { path });
      return [explained.ok, explained.checks.find((c) => c.status === 'fail')?.code ?? 'ok'];
    };

    it.each<[string, string, string | undefined, [boolean, string]]>([
      ['own folder', mint(), '/files/users/alice/a', [true, 'ok']],
      ["another's folder", mint(), '/files/users/bob/a', [false, 'scope_denied']],
      ['a bad sub', mint({ claims: { sub: 5 } }), undefined, [false, 'sub_invalid']],
      ['a link into the own folder', mintLink('/files/users/alice/a'), '/files/users/alice/a', [true, 'ok']],
    ])('%s', (_name, token, path, expected) => {
      expect(codeOf(token, path)).toEqual(expected);
    });

    it("a bad sub is the gate's verdict too", () => {
      const explained = explainToken(mint({ claims: { sub: '' } }), scoped, keys, NOW);
      expect(explained.result).toEqual({ ok: false, failure: 'sub_invalid' });
    });
  });
});
