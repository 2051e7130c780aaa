/**
 * CloudFront's `Resource` wildcards (DG "Values that you specify in the policy statement for a signed URL that
 * uses a custom policy"): `*` matches zero or more characters and `?` exactly one, "anywhere in the string";
 * every other character is literal — no path semantics, so `…/files/a*` matches `…/files/abc` and
 * `…/files/a/b`, and `*` crosses `/` and `?`. The subject is the whole URL `scheme://host/path?query` (the DG's
 * `…/*game_download.zip*` matches `…/example_game_download.zip?license=yes`), compared case-sensitively as sent.
 *
 * Linear-space greedy matching with one backtrack point (no RegExp), so a hostile pattern cannot cause
 * catastrophic backtracking; worst case O(pattern × subject).
 */
export function matchesResource(pattern: string, subject: string): boolean {
  // Code points, so `?` is one character even outside the BMP.
  const p = Array.from(pattern);
  const s = Array.from(subject);
  let pi = 0;
  let si = 0;
  let starPi = -1;
  let starSi = 0;
  while (si < s.length) {
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === s[si]))) {
      pi++;
      si++;
    } else if (pi < p.length && p[pi] === '*') {
      starPi = pi++;
      starSi = si;
    } else if (starPi >= 0) {
      pi = starPi + 1;
      si = ++starSi;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}
