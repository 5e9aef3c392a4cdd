import { describe, expect, it } from "vitest";
import { NextResponse } from "next/server";
import { clearSessionCookies, sessionCookieNames } from "@/lib/auth/session-cookie";

const jar = (...names: string[]) => ({ getAll: () => names.map((name) => ({ name })) });

describe("session cookies", () => {
  it("finds Auth.js's session cookie in all its forms, and nothing else", () => {
    const names = ["authjs.session-token", "__Secure-authjs.session-token.0", "__Secure-authjs.session-token.1", "authjs.csrf-token", "session-token", "xauthjs.session-token"];
    expect(sessionCookieNames(jar(...names))).toEqual(names.slice(0, 3));
  });

  it("expires them, with Secure for __Secure- names (or the browser would ignore it)", () => {
    const response = NextResponse.next();
    clearSessionCookies(["authjs.session-token", "__Secure-authjs.session-token.0"], response.cookies);
    const headers = response.headers.getSetCookie();
    expect(headers).toHaveLength(2);
    expect(headers[0]).toMatch(/^authjs\.session-token=; Path=\/; Max-Age=0;.*HttpOnly/);
    expect(headers[0]).not.toContain("Secure");
    expect(headers[1]).toMatch(/^__Secure-authjs\.session-token\.0=; Path=\/; Max-Age=0;.*Secure/);
  });
});
