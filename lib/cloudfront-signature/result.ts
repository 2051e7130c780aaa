import type { CloudFrontPolicy } from './policy';

/** Stable codes callers can `switch` on; the `reason` text may change, these may not. */
export type CloudFrontSignatureErrorCode =
  /** `publicKeys`, `now` or `viewerIp` is unusable — a caller bug, not a viewer's. */
  | 'invalid_option'
  /** Not an absolute `http(s)://host…` URL, or it holds whitespace/control characters. */
  | 'malformed_url'
  | 'missing_parameter'
  /** A signing parameter appears twice in the query string. */
  | 'duplicate_parameter'
  /** Both a canned (`Expires`) and a custom (`Policy`) policy were sent. */
  | 'mixed_forms'
  | 'unsupported_hash_algorithm'
  | 'unknown_key_pair'
  /** `Signature`/`Policy` is not canonical CloudFront base64, or a value has invalid percent-encoding. */
  | 'bad_encoding'
  | 'bad_signature'
  | 'malformed_policy'
  | 'resource_mismatch'
  | 'expired'
  | 'not_yet_valid'
  | 'ip_mismatch';

/** The rules, in the order they are evaluated; the first failing rule gives the result's code. */
export type CheckRule =
  | 'options'
  | 'url'
  | 'parameters'
  | 'hash_algorithm'
  | 'key_pair'
  | 'encoding'
  | 'signature'
  | 'policy'
  | 'resource'
  | 'date_less_than'
  | 'date_greater_than'
  | 'ip_address';

export interface Check {
  readonly rule: CheckRule;
  /** `skip`: could not be evaluated because an input it needs failed an earlier rule. */
  readonly status: 'pass' | 'fail' | 'skip';
  readonly detail: string;
}

export type SignedForm = 'url' | 'cookies';
export type HashAlgorithm = 'SHA1' | 'SHA256';

export type CloudFrontVerifyResult =
  | {
      readonly ok: true;
      readonly form: SignedForm;
      readonly policy: CloudFrontPolicy;
      readonly keyPairId: string;
      readonly hashAlgorithm: HashAlgorithm;
      /** Every rule, all `pass`: what the CLI prints to explain the decision. */
      readonly checks: readonly Check[];
    }
  | {
      readonly ok: false;
      /** `undefined` when the request carried neither form. */
      readonly form: SignedForm | undefined;
      readonly code: CloudFrontSignatureErrorCode;
      readonly reason: string;
      /** Every rule evaluated (independent rules still run after a failure, to explain as much as possible). */
      readonly checks: readonly Check[];
    };
