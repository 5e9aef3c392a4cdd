import { describe, expect, it } from "vitest";
import {
  DATABASE_UNAVAILABLE,
  SIGN_IN_REPLAYED,
  TOO_MANY_ATTEMPTS,
  UNIAUTH_BUSY,
  UNIAUTH_UNAVAILABLE,
  authErrorStatus,
  refusalPath,
  retryAfterOf,
} from "@/lib/auth/core/base/error-pages";

const statusOf = (path: string) => authErrorStatus(new URL(path, "http://app.test").searchParams, 60);

describe("the sign-in error pages' statuses", () => {
  it("answers an outage and a busy UniAuth with 503 and a limit with 429, each saying when to retry", () => {
    expect(statusOf(refusalPath({ error: UNIAUTH_UNAVAILABLE }))).toEqual({ status: 503, retryAfterSeconds: 60 });
    expect(statusOf(refusalPath({ error: UNIAUTH_BUSY, retryAfterMs: 241_200 }))).toEqual({ status: 503, retryAfterSeconds: 242 });
    expect(statusOf(refusalPath({ error: TOO_MANY_ATTEMPTS, retryAfterMs: 30_000 }))).toEqual({ status: 429, retryAfterSeconds: 30 });
  });

  it("leaves every other page a 200, whatever the query says", () => {
    for (const error of [SIGN_IN_REPLAYED, "EmailUnverified", "__proto__", "constructor", "toString", ""]) expect(statusOf(`/auth/error?error=${error}`)).toBeNull();
    expect(statusOf("/auth/error")).toBeNull();
  });

  it("keeps Retry-After between a second and an hour, and ignores one that is not a whole number", () => {
    expect(statusOf(`/auth/error?error=${UNIAUTH_BUSY}&retryAfter=999999`)!.retryAfterSeconds).toBe(3600);
    expect(refusalPath({ error: UNIAUTH_BUSY, retryAfterMs: 1 })).toBe(`/auth/error?error=${UNIAUTH_BUSY}&retryAfter=1`);
    for (const junk of ["-5", "0", "1e3", "12abc", "NaN", "Infinity", "3.5"]) {
      expect(statusOf(`/auth/error?error=${UNIAUTH_BUSY}&retryAfter=${junk}`)!.retryAfterSeconds).toBe(60);
    }
    expect(retryAfterOf("90")).toBe(90);
    expect(retryAfterOf(["90"])).toBeNull();
    expect(retryAfterOf("soon")).toBeNull();
  });

  it("sends a refusal to its page: the database's outage page, or the error page with where to come back to", () => {
    expect(refusalPath({ error: DATABASE_UNAVAILABLE, retryAfterMs: 5000 })).toBe("/unavailable");
    expect(refusalPath({ error: "AuthTimeStale", callbackUrl: "/admin?tab=users" })).toBe("/auth/error?error=AuthTimeStale&callbackUrl=%2Fadmin%3Ftab%3Dusers");
  });
});
