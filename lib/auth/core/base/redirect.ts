/** Only a same-origin path: absolute URLs, `//host`, `/\host`, `javascript:` and control characters get `fallback`. */
export function safeCallbackPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || !value.startsWith("/") || /[\\\u0000-\u001f]/.test(value)) return fallback;
  const base = "http://app.invalid";
  try {
    const url = new URL(value, base);
    // Dot segments collapse while parsing: "/.//evil.example" has the path "//evil.example".
    if (url.origin !== base || /^\/[/\\]/.test(url.pathname)) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}
