/** The CloudFront Function's share of the bench (filled in with the CloudFront Function target). */
export async function benchCloudFrontFunction(
  _row: (...cells: (string | number)[]) => void,
  _us: (n: number) => string,
): Promise<void> {}
