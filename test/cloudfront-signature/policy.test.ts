import { describe, expect, it } from 'vitest';
import { cannedPolicyText, parseCustomPolicy } from '../../lib/cloudfront-signature/index';

const R = 'https://cdn.example.com/files/*';
const DLT = { 'AWS:EpochTime': 1_900_000_060 };

describe('custom policy parsing', () => {
  it('reads every condition', () => {
    const text = JSON.stringify({
      Statement: [
        {
          Resource: R,
          Condition: {
            DateLessThan: DLT,
            DateGreaterThan: { 'AWS:EpochTime': 1_899_999_000 },
            IpAddress: { 'AWS:SourceIp': '192.0.2.0/24' },
          },
        },
      ],
    });
    const parsed = parseCustomPolicy(text);
    expect(parsed).toMatchObject({
      ok: true,
      policy: {
        kind: 'custom',
        resource: R,
        dateLessThan: 1_900_000_060,
        dateGreaterThan: 1_899_999_000,
        ipAddress: { text: '192.0.2.0/24', prefixLength: 24 },
        text,
      },
    });
  });

  it('tolerates whitespace, as in the DG example, and an omitted Resource', () => {
    const parsed = parseCustomPolicy(
      '{ \r\n "Statement": [ { "Condition": { "DateLessThan": { "AWS:EpochTime": 5 } } } ] }\r\n',
    );
    expect(parsed).toMatchObject({ ok: true, policy: { resource: undefined, dateLessThan: 5 } });
  });

  it.each<[string, unknown, string]>([
    ['not JSON', 'nope', 'policy is not valid JSON'],
    ['an array', [], 'policy must be a JSON object'],
    ['no Statement', {}, 'policy must have a Statement array with exactly one statement'],
    [
      'two statements',
      { Statement: [{ Condition: { DateLessThan: DLT } }, { Condition: { DateLessThan: DLT } }] },
      'exactly one statement',
    ],
    ['zero statements', { Statement: [] }, 'exactly one statement'],
    [
      'unknown top-level key',
      { Statement: [{ Condition: { DateLessThan: DLT } }], Version: '1' },
      'unknown key "Version"',
    ],
    [
      'unknown statement key',
      { Statement: [{ Effect: 'Allow', Condition: { DateLessThan: DLT } }] },
      'unknown key "Effect"',
    ],
    [
      'unknown condition',
      { Statement: [{ Condition: { DateLessThan: DLT, StringEquals: {} } }] },
      'unknown key "StringEquals"',
    ],
    ['no Condition', { Statement: [{ Resource: R }] }, 'Condition must be an object'],
    ['no DateLessThan', { Statement: [{ Resource: R, Condition: {} }] }, 'DateLessThan is required'],
    ['quoted epoch', { Statement: [{ Condition: { DateLessThan: { 'AWS:EpochTime': '5' } } }] }, 'not a string'],
    ['fractional epoch', { Statement: [{ Condition: { DateLessThan: { 'AWS:EpochTime': 5.5 } } }] }, 'whole number'],
    ['negative epoch', { Statement: [{ Condition: { DateLessThan: { 'AWS:EpochTime': -1 } } }] }, 'non-negative'],
    ['abbreviated key', { Statement: [{ Condition: { DateLessThan: { EpochTime: 5 } } }] }, 'unknown key "EpochTime"'],
    [
      'bad DateGreaterThan',
      { Statement: [{ Condition: { DateLessThan: DLT, DateGreaterThan: 5 } }] },
      'DateGreaterThan must be an object',
    ],
    [
      'Resource not a string',
      { Statement: [{ Resource: [R], Condition: { DateLessThan: DLT } }] },
      'Resource must be a string',
    ],
    [
      'Resource ftp://',
      { Statement: [{ Resource: 'ftp://x/*', Condition: { DateLessThan: DLT } }] },
      'must begin with',
    ],
    [
      'IPv6 SourceIp',
      { Statement: [{ Condition: { DateLessThan: DLT, IpAddress: { 'AWS:SourceIp': '2001:db8::/32' } } }] },
      'one IPv4 CIDR',
    ],
    [
      'bare IP without prefix',
      { Statement: [{ Condition: { DateLessThan: DLT, IpAddress: { 'AWS:SourceIp': '192.0.2.1' } } }] },
      'one IPv4 CIDR',
    ],
    [
      'two source IPs',
      {
        Statement: [
          { Condition: { DateLessThan: DLT, IpAddress: { 'AWS:SourceIp': ['192.0.2.1/32', '192.0.2.2/32'] } } },
        ],
      },
      'one IPv4 CIDR',
    ],
  ])('refuses %s', (_label, policy, reason) => {
    const text = typeof policy === 'string' ? policy : JSON.stringify(policy);
    const parsed = parseCustomPolicy(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});

describe('canned policy statement', () => {
  it('is the exact statement @aws-sdk/cloudfront-signer signs', () => {
    expect(cannedPolicyText('https://cdn.example.com/a.txt?x=1', 1_900_000_060)).toBe(
      '{"Statement":[{"Resource":"https://cdn.example.com/a.txt?x=1","Condition":{"DateLessThan":{"AWS:EpochTime":1900000060}}}]}',
    );
  });
});
