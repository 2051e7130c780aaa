/**
 * The file name (without `.pem`) of a CloudFront public key under `cloudfront-keys/<stage>/`: packaging publishes
 * each as an `AWS::CloudFront::PublicKey` named after it, and `tenant-gate keys cloudfront` writes names it accepts.
 */
export const CLOUDFRONT_KEY_NAME = /^[A-Za-z0-9_-]{1,64}$/;
