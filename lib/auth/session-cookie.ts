import type { JWT } from "next-auth/jwt";
import { decode } from "next-auth/jwt";
import type { NextResponse } from "next/server";

// Auth.js's session cookie: `authjs.session-token`, `__Secure-` on https, split into `.0`, `.1`… when large.
const SESSION_COOKIE = /^(__Secure-)?authjs\.session-token(\.\d+)?$/;

interface Cookie {
  name: string;
  value: string;
}

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

/**
 * Whether Auth.js named its cookie `__Secure-…`: it decides by AUTH_URL's protocol when set, else by the
 * request's (`X-Forwarded-Proto` first). Reading must use the same rule, since the name is also the key's salt.
 */
export function usesSecureCookie(authUrl: string | undefined, forwardedProto: string | null, requestProtocol = "https:"): boolean {
  if (authUrl) return new URL(authUrl).protocol === "https:";
  return (forwardedProto ? `${forwardedProto.split(",")[0]!.trim()}:` : requestProtocol) === "https:";
}

/**
 * Cookies already decrypted, by value. A browser sends the same cookie with every request for 30 days, and
 * decrypting it (key derivation and AES, through WebCrypto) costs more than the database check that follows.
 * Only a cookie that decrypted is kept (so the key is an authenticated ciphertext), until the token's own `exp`;
 * the oldest entries go first.
 */
const decrypted = new Map<string, JWT>();
const MAX_DECRYPTED = 1000;

/**
 * Decrypts the session cookie with Auth.js's own decoder (joining its chunks as Auth.js does). Only reads: it never
 * re-issues the cookie. Null when there is none, or it does not decrypt (another secret, tampered, expired).
 */
export async function readSessionCookie(cookies: { getAll(): Cookie[] }, secure: boolean, secret: string | string[]): Promise<JWT | null> {
  const name = `${secure ? "__Secure-" : ""}authjs.session-token`;
  const chunks = cookies
    .getAll()
    .filter((cookie) => cookie.name === name || (cookie.name.startsWith(`${name}.`) && /^\d+$/.test(cookie.name.slice(name.length + 1))))
    .sort((a, b) => chunkIndex(a.name) - chunkIndex(b.name));
  if (!chunks.length) return null;
  const value = chunks.map((chunk) => chunk.value).join("");
  const key = `${name}=${value}`;
  const cached = decrypted.get(key);
  if (cached) return unexpired(cached) ? cached : null;
  const token = await decode({ token: value, secret, salt: name }).catch(() => null);
  if (!token) return null;
  if (decrypted.size >= MAX_DECRYPTED) decrypted.delete(decrypted.keys().next().value!);
  decrypted.set(key, token);
  return token;
}

function unexpired(token: JWT): boolean {
  return typeof token.exp === "number" && token.exp * 1000 > Date.now();
}

function chunkIndex(name: string): number {
  return Number(name.match(/\.(\d+)$/)?.[1] ?? 0);
}

/** Expires those cookies; `__Secure-` ones must be cleared with `Secure`, or the browser ignores it. */
export function clearSessionCookies(names: string[], cookies: NextResponse["cookies"]): void {
  for (const name of names) {
    cookies.set(name, "", { path: "/", maxAge: 0, httpOnly: true, sameSite: "lax", secure: name.startsWith("__Secure-") });
  }
}
