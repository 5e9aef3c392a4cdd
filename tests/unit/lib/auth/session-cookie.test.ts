import { encode } from "next-auth/jwt";
import { NextResponse } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { secureSessionCookie } from "@/lib/auth/core/base/cookie-security";
import { clearSessionCookies, readSessionCookie, sessionCookie, sessionCookieNames } from "@/lib/auth/core/session/cookie";

const jar = (cookies: Record<string, string>) => ({ getAll: () => Object.entries(cookies).map(([name, value]) => ({ name, value })) });
const SECRET = "a-secret-of-at-least-thirty-two-characters";
const OLD_SECRET = "an-older-secret-of-at-least-thirty-two-chars";
const token = { sessionId: "s1", user: { id: "u1", name: "Ada", email: "ada@example.com", image: null, groups: [], isStaff: true, isSuperuser: false } };
const sealed = (salt: string, options: { secret?: string; maxAge?: number; extra?: object } = {}) =>
  encode({ token: { ...token, ...options.extra }, secret: options.secret ?? SECRET, salt, maxAge: options.maxAge });

afterEach(() => vi.useRealTimers());

describe("session cookies", () => {
  it("finds Auth.js's session cookie in all its forms, and nothing else", () => {
    const names = [
      "authjs.session-token",
      "__Host-authjs.session-token.0",
      "__Host-authjs.session-token.1",
      "__Secure-authjs.session-token",
      "authjs.csrf-token",
      "session-token",
      "xauthjs.session-token",
      "__Host-authjs.session-tokens",
    ];
    expect(sessionCookieNames(jar(Object.fromEntries(names.map((name) => [name, "x"]))))).toEqual(names.slice(0, 3));
  });

  it("is __Host- on https: Secure, Path=/, no Domain, so no sibling subdomain can set one of the same name", () => {
    expect(sessionCookie(true)).toEqual({ name: "__Host-authjs.session-token", options: { httpOnly: true, sameSite: "lax", path: "/", secure: true } });
    expect(sessionCookie(false)).toEqual({ name: "authjs.session-token", options: { httpOnly: true, sameSite: "lax", path: "/", secure: false } });
  });

  it("is secure from the environment alone: AUTH_URL's protocol, else production", () => {
    expect(secureSessionCookie({ authUrl: "https://app.example.com", production: false })).toBe(true);
    expect(secureSessionCookie({ authUrl: "http://localhost:3000", production: true })).toBe(false);
    expect(secureSessionCookie({ production: true })).toBe(true);
    expect(secureSessionCookie({ production: false })).toBe(false);
  });

  it("reads the cookie under the name it was written with, and only that one", async () => {
    const plain = await sealed("authjs.session-token");
    expect(await readSessionCookie(jar({ "authjs.session-token": plain }), false, [SECRET])).toMatchObject(token);
    expect(await readSessionCookie(jar({ "authjs.session-token": plain }), true, [SECRET])).toBeNull();
    // The name is the key's salt: the same value under the __Host- name does not decrypt.
    expect(await readSessionCookie(jar({ "__Host-authjs.session-token": plain }), true, [SECRET])).toBeNull();
    expect(await readSessionCookie(jar({}), false, [SECRET])).toBeNull();
  });

  it("joins a chunked cookie in chunk order, whatever order the browser sends", async () => {
    const value = await sealed("__Host-authjs.session-token", { extra: { padding: "p".repeat(6000) } });
    const [first, second] = [value.slice(0, 3936), value.slice(3936)];
    const cookies = jar({ "__Host-authjs.session-token.1": second, "__Host-authjs.session-token.0": first });
    expect(await readSessionCookie(cookies, true, [SECRET])).toMatchObject(token);
  });

  it("decrypts with any configured secret, and with none of them refuses", async () => {
    const value = await sealed("authjs.session-token", { secret: OLD_SECRET });
    expect(await readSessionCookie(jar({ "authjs.session-token": value }), false, [SECRET, OLD_SECRET])).toMatchObject(token);
    expect(await readSessionCookie(jar({ "authjs.session-token": value }), false, [SECRET])).toBeNull();
    expect(await readSessionCookie(jar({ "authjs.session-token": `${value}x` }), false, [SECRET, OLD_SECRET])).toBeNull();
  });

  it("stops honouring a remembered cookie once its token expires", async () => {
    const value = await sealed("authjs.session-token", { maxAge: 60, extra: { sessionId: "expiring" } });
    const cookies = jar({ "authjs.session-token": value });
    expect(await readSessionCookie(cookies, false, [SECRET])).toMatchObject({ sessionId: "expiring" });
    vi.useFakeTimers({ now: Date.now() + 61_000, toFake: ["Date"] });
    expect(await readSessionCookie(cookies, false, [SECRET])).toBeNull();
  });

  it("expires them, with Secure for prefixed names (or the browser would ignore it)", () => {
    const response = NextResponse.next();
    clearSessionCookies(["authjs.session-token", "__Host-authjs.session-token.0"], response.cookies);
    const headers = response.headers.getSetCookie();
    expect(headers).toHaveLength(2);
    expect(headers[0]).toMatch(/^authjs\.session-token=; Path=\/; Max-Age=0;.*HttpOnly/);
    expect(headers[0]).not.toContain("Secure");
    expect(headers[1]).toMatch(/^__Host-authjs\.session-token\.0=; Path=\/; Max-Age=0;.*Secure/);
    expect(headers[1]).not.toContain("Domain");
  });
});
