import type { JWT } from "next-auth/jwt";
import { decode } from "next-auth/jwt";
import type { NextResponse } from "next/server";

// Auth.js's session cookie, split into `.0`, `.1`… when large: `__Host-` on https (see sessionCookie below).
const SESSION_COOKIE = /^(__Host-)?authjs\.session-token(\.(\d+))?$/;

interface Cookies { getAll(): { name: string; value: string }[] }

/** `__Host-`, not `__Secure-`: else a sibling subdomain could add a same-named `Domain` cookie, and the last wins. */
export function sessionCookie(secure: boolean) {
  return {
    name: `${secure ? "__Host-" : ""}authjs.session-token`,
    options: { httpOnly: true, sameSite: "lax", path: "/", secure },
  } as const;
}

export function sessionCookieNames(cookies: Cookies): string[] {
  return cookies.getAll().map(({ name }) => name).filter((name) => SESSION_COOKIE.test(name));
}

// Decrypting (key derivation and AES, via WebCrypto) costs more than the database check after it, and a browser sends
// the same cookie for 30 days. Only cookies that decrypted are kept, so each key holds an authenticated ciphertext.
const decrypted = new Map<string, Readonly<JWT>>();
const MAX_DECRYPTED = 1000;

/** Auth.js's own decoder, chunks joined in order as Auth.js does. Only reads: it never re-issues the cookie. */
export async function readSessionCookie(cookies: Cookies, secure: boolean, secrets: readonly string[]): Promise<Readonly<JWT> | null> {
  const { name } = sessionCookie(secure);
  const chunks = cookies
    .getAll()
    .map((cookie) => ({ ...cookie, match: SESSION_COOKIE.exec(cookie.name) }))
    .filter(({ match }) => match && match[1] === (secure ? "__Host-" : undefined))
    .sort((a, b) => Number(a.match![3] ?? 0) - Number(b.match![3] ?? 0));
  if (!chunks.length) return null;
  const value = chunks.map((chunk) => chunk.value).join("");
  const key = `${secrets.join("\n")}\n${name}=${value}`;
  const cached = decrypted.get(key);
  if (cached) return unexpired(cached) ? cached : null;
  const token = await decode({ token: value, secret: [...secrets], salt: name }).catch(() => null);
  if (!token) return null;
  if (decrypted.size >= MAX_DECRYPTED) decrypted.delete(decrypted.keys().next().value!);
  const frozen = Object.freeze({ ...token, ...(token.user && { user: Object.freeze({ ...token.user }) }) });
  decrypted.set(key, frozen);
  return frozen;
}

function unexpired(token: Readonly<JWT>): boolean {
  return typeof token.exp === "number" && token.exp * 1000 > Date.now();
}

/** Expires those cookies; prefixed ones must be cleared with `Secure` (and `__Host-` on `/`), or the browser ignores it. */
export function clearSessionCookies(names: string[], cookies: NextResponse["cookies"]): void {
  for (const name of names) {
    cookies.set(name, "", { path: "/", maxAge: 0, httpOnly: true, sameSite: "lax", secure: name.startsWith("__") });
  }
}
