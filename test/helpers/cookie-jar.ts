/** A `fetch` that keeps cookies the way a browser does for one site (Set-Cookie in, Cookie out): Node's fetch has no jar. */
export function cookieJarFetch(inner: typeof fetch = fetch): typeof fetch & { jar: Map<string, string> } {
  const jar = new Map<string, string>();
  const jarred = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await inner(input, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const expired = attributes.some(
        (a) => /^max-age=(?:0|-\d+)$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) <= Date.now()),
      );
      if (expired) jar.delete(name);
      else jar.set(name, pair.slice(eq + 1));
    }
    return response;
  }) as typeof fetch & { jar: Map<string, string> };
  jarred.jar = jar;
  return jarred;
}
