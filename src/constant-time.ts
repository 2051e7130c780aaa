/**
 * String equality whose time depends only on the length, not on where the strings differ, so a
 * signature cannot be guessed byte by byte from response times. (CloudFront Functions have no
 * `crypto.timingSafeEqual`; one implementation serves both runtimes.)
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
