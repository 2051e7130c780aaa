/**
 * tenant-gate for your own tests, offline: a local distribution to run requests against, and CloudFront
 * viewer-request events for both runtimes to call the built functions with.
 */
export { startLocalDistribution, type LocalDistribution, type LocalDistributionOptions } from './local-distribution';
export {
  cloudFrontFunctionViewerRequest,
  lambdaEdgeViewerRequest,
  viewerHeaders,
  type CloudFrontFunctionEvent,
  type ViewerRequestInit,
} from './events';
export { sha256HexNode } from './body-hash';
export { loadCloudFrontFunctionFile } from '../local/cloudfront-function-runtime';
export { manualClock, type ManualClock } from '../local/clock';
