import type { NextResponse } from "next/server";

// Auth.js's session cookie: `authjs.session-token`, `__Secure-` on https, split into `.0`, `.1`… when large.
const SESSION_COOKIE = /^(__Secure-)?authjs\.session-token(\.\d+)?$/;

interface CookieNames {
  getAll(): { name: string }[];
}

/** The names of the session cookie (and its chunks) the browser sent. */
export function sessionCookieNames(cookies: CookieNames): string[] {
  return cookies
    .getAll()
    .map(({ name }) => name)
    .filter((name) => SESSION_COOKIE.test(name));
}

/** Expires those cookies; `__Secure-` ones must be cleared with `Secure`, or the browser ignores it. */
export function clearSessionCookies(names: string[], cookies: NextResponse["cookies"]): void {
  for (const name of names) {
    cookies.set(name, "", { path: "/", maxAge: 0, httpOnly: true, sameSite: "lax", secure: name.startsWith("__Secure-") });
  }
}
