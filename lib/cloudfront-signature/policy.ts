import { type Ipv4Cidr, parseIpv4Cidr } from './ipv4';

/**
 * CloudFront policy statements (DG "private-content-creating-signed-url-custom-policy" and
 * "private-content-setting-signed-cookie-custom-policy"): one statement with an optional `Resource` and a
 * `Condition` holding `DateLessThan` (required), `DateGreaterThan` and `IpAddress` (optional).
 */
export interface CloudFrontPolicy {
  readonly kind: 'canned' | 'custom';
  /** `undefined` when omitted: the DG says the URL then grants every file of every distribution trusting the key. */
  readonly resource: string | undefined;
  /** Epoch seconds; access is allowed only while now < dateLessThan. */
  readonly dateLessThan: number;
  /** Epoch seconds; access is allowed only while now > dateGreaterThan. */
  readonly dateGreaterThan: number | undefined;
  readonly ipAddress: Ipv4Cidr | undefined;
  /** The exact signed policy text (for a canned policy, the statement CloudFront rebuilds). */
  readonly text: string;
}

export type PolicyParseResult = { ok: true; policy: CloudFrontPolicy } | { ok: false; reason: string };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// The DG: "Include all punctuation and parameter names exactly as specified. Abbreviations for parameter
// names are not accepted." Unknown names are refused rather than ignored, so nothing unchecked can hide there.
function unknownKey(object: { [key: string]: Json }, allowed: readonly string[]): string | undefined {
  return Object.keys(object).find((key) => !allowed.includes(key));
}

function epochTime(condition: Json | undefined, name: string): number | string {
  if (!isObject(condition)) return `${name} must be an object {"AWS:EpochTime": N}`;
  const extra = unknownKey(condition, ['AWS:EpochTime']);
  if (extra !== undefined) return `${name} has an unknown key "${extra}"`;
  const value = condition['AWS:EpochTime'];
  // The DG: Unix time in seconds, "Do not enclose the value in quotation marks".
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    return `${name}.AWS:EpochTime must be a non-negative whole number of seconds (not a string)`;
  }
  return value;
}

/** Parses the JSON text of a custom policy; never throws. Whitespace is tolerated (the DG's own example has it). */
export function parseCustomPolicy(text: string): PolicyParseResult {
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch {
    return { ok: false, reason: 'policy is not valid JSON' };
  }
  if (!isObject(root)) return { ok: false, reason: 'policy must be a JSON object' };
  const extraRoot = unknownKey(root, ['Statement']);
  if (extraRoot !== undefined) return { ok: false, reason: `policy has an unknown key "${extraRoot}"` };
  const statements = root['Statement'];
  // The DG: "You can include only one statement."
  if (!Array.isArray(statements) || statements.length !== 1) {
    return { ok: false, reason: 'policy must have a Statement array with exactly one statement' };
  }
  const statement = statements[0];
  if (!isObject(statement)) return { ok: false, reason: 'Statement[0] must be an object' };
  const extraStatement = unknownKey(statement, ['Resource', 'Condition']);
  if (extraStatement !== undefined) return { ok: false, reason: `Statement[0] has an unknown key "${extraStatement}"` };

  const resource = statement['Resource'];
  if (resource !== undefined) {
    if (typeof resource !== 'string') return { ok: false, reason: 'Resource must be a string' };
    // The DG: "The value must begin with http://, https://, or *."
    if (!/^(?:https?:\/\/|\*)/.test(resource)) {
      return { ok: false, reason: 'Resource must begin with "http://", "https://" or "*"' };
    }
  }

  const condition = statement['Condition'];
  if (!isObject(condition)) return { ok: false, reason: 'Statement[0].Condition must be an object' };
  const extraCondition = unknownKey(condition, ['DateLessThan', 'DateGreaterThan', 'IpAddress']);
  if (extraCondition !== undefined) return { ok: false, reason: `Condition has an unknown key "${extraCondition}"` };
  // The DG: DateLessThan "is the only required parameter in the Condition section".
  if (condition['DateLessThan'] === undefined) return { ok: false, reason: 'Condition.DateLessThan is required' };
  const dateLessThan = epochTime(condition['DateLessThan'], 'DateLessThan');
  if (typeof dateLessThan === 'string') return { ok: false, reason: dateLessThan };
  let dateGreaterThan: number | undefined;
  if (condition['DateGreaterThan'] !== undefined) {
    const value = epochTime(condition['DateGreaterThan'], 'DateGreaterThan');
    if (typeof value === 'string') return { ok: false, reason: value };
    dateGreaterThan = value;
  }
  let ipAddress: Ipv4Cidr | undefined;
  const ipCondition = condition['IpAddress'];
  if (ipCondition !== undefined) {
    if (!isObject(ipCondition) || unknownKey(ipCondition, ['AWS:SourceIp']) !== undefined) {
      return { ok: false, reason: 'IpAddress must be an object {"AWS:SourceIp": "a.b.c.d/n"}' };
    }
    const sourceIp = ipCondition['AWS:SourceIp'];
    ipAddress = typeof sourceIp === 'string' ? parseIpv4Cidr(sourceIp) : undefined;
    // The DG: "standard IPv4 CIDR format"; IPv6 "is not supported".
    if (ipAddress === undefined) {
      return { ok: false, reason: 'IpAddress.AWS:SourceIp must be one IPv4 CIDR such as "192.0.2.0/24"' };
    }
  }
  return { ok: true, policy: { kind: 'custom', resource, dateLessThan, dateGreaterThan, ipAddress, text } };
}

/**
 * The statement CloudFront rebuilds for a canned policy (DG "private-content-creating-signed-url-canned-policy"):
 * the signature covers exactly these bytes, with no whitespace. JSON escaping of the URL follows
 * `@aws-sdk/cloudfront-signer` (JSON.stringify); for URLs without `"` or `\` it is the plain URL.
 */
export function cannedPolicyText(resource: string, expires: number): string {
  return `{"Statement":[{"Resource":${JSON.stringify(resource)},"Condition":{"DateLessThan":{"AWS:EpochTime":${expires}}}}]}`;
}

export function cannedPolicy(resource: string, expires: number): CloudFrontPolicy {
  return {
    kind: 'canned',
    resource,
    dateLessThan: expires,
    dateGreaterThan: undefined,
    ipAddress: undefined,
    text: cannedPolicyText(resource, expires),
  };
}
