/**
 * A fetch that keeps cookies as a browser does for localhost (one jar for every port): it sends the jar's cookies,
 * stores those a response sets (and drops those it clears), and never follows redirects, so the caller sees each hop.
 * `headers` go with every request (a proxy's X-Forwarded-For, say).
 */
export function cookieFetch(jar = new Map<string, string>(), headers: Record<string, string> = {}): (url: URL, init?: RequestInit) => Promise<Response> {
  return async (url, init = {}) => {
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await fetch(url, { ...init, redirect: "manual", headers: { ...headers, ...init.headers, cookie } });
    for (const set of response.headers.getSetCookie()) {
      const [pair = ""] = set.split(";");
      const at = pair.indexOf("=");
      const value = pair.slice(at + 1);
      if (value) jar.set(pair.slice(0, at), value);
      else jar.delete(pair.slice(0, at));
    }
    return response;
  };
}
