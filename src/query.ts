/**
 * The link-token parameter in a raw query string (`a=1&token=…`), as Lambda@Edge hands it.
 * Names are compared after percent-decoding, so `%74oken=` cannot smuggle a second token past the count.
 */

function decodedName(pair: string): string | undefined {
  const eq = pair.indexOf('=');
  const raw = eq === -1 ? pair : pair.slice(0, eq);
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch (_error) {
    return undefined;
  }
}

/** Every raw value of parameter `name`. A name that cannot be percent-decoded cannot be `name`. */
export function queryValues(querystring: string, name: string): string[] {
  const found: string[] = [];
  if (querystring === '') return found;
  const pairs = querystring.split('&');
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i];
    if (decodedName(pair) === name) {
      const eq = pair.indexOf('=');
      found.push(eq === -1 ? '' : pair.slice(eq + 1));
    }
  }
  return found;
}

/** The query string without parameter `name` (other parameters untouched, in order). */
export function withoutQueryParam(querystring: string, name: string): string {
  if (querystring === '') return querystring;
  const kept: string[] = [];
  const pairs = querystring.split('&');
  for (let i = 0; i < pairs.length; i++) {
    if (decodedName(pairs[i]) !== name) kept.push(pairs[i]);
  }
  return kept.join('&');
}
