export { decodeCloudFrontBase64, encodeCloudFrontBase64 } from './encoding';
export { type Ipv4Cidr, ipv4CidrContains, parseIpv4, parseIpv4Cidr } from './ipv4';
export type { PublicKeyInput } from './keys';
export { type CloudFrontPolicy, cannedPolicyText, parseCustomPolicy, type PolicyParseResult } from './policy';
export { matchesResource } from './resource-match';
export type {
  Check,
  CheckRule,
  CloudFrontSignatureErrorCode,
  CloudFrontVerifyResult,
  HashAlgorithm,
  SignedForm,
} from './result';
export {
  type CloudFrontRequest,
  judgeCloudFrontRequest,
  type VerifyOptions,
  verifySignedCookies,
  verifySignedUrl,
} from './verify';
