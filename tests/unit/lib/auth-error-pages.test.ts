import { describe, expect, it } from "vitest";
import { SIGN_IN_REPLAYED, TOO_MANY_ATTEMPTS, UNIAUTH_BUSY, authErrorPath, authErrorStatus, retryAfterOf } from "@/lib/auth/core/base/error-pages";
import { UNIAUTH_UNAVAILABLE } from "@/lib/auth/core/base/error-pages";

const statusOf = (path: string) => authErrorStatus(new URL(path, "http://app.test").searchParams, 60);

describe("the sign-in error pages' statuses", () => {
  it("answers an outage and a busy UniAuth with 503 and a limit with 429, each saying when to retry", () => {
    expect(statusOf(authErrorPath(UNIAUTH_UNAVAILABLE))).toEqual({ status: 503, retryAfterSeconds: 60 });
    expect(statusOf(authErrorPath(UNIAUTH_BUSY, 241.2))).toEqual({ status: 503, retryAfterSeconds: 242 });
    expect(statusOf(authErrorPath(TOO_MANY_ATTEMPTS, 30))).toEqual({ status: 429, retryAfterSeconds: 30 });
  });

  it("leaves every other page a 200, whatever the query says", () => {
    for (const error of [SIGN_IN_REPLAYED, "EmailUnverified", "__proto__", "constructor", "toString", ""]) expect(statusOf(`/auth/error?error=${error}`)).toBeNull();
    expect(statusOf("/auth/error")).toBeNull();
  });

  it("keeps Retry-After between a second and an hour, and ignores one that is not a whole number", () => {
    expect(statusOf(`/auth/error?error=${UNIAUTH_BUSY}&retryAfter=999999`)!.retryAfterSeconds).toBe(3600);
    expect(authErrorPath(UNIAUTH_BUSY, 0.001)).toBe(`/auth/error?error=${UNIAUTH_BUSY}&retryAfter=1`);
    for (const junk of ["-5", "0", "1e3", "12abc", "NaN", "Infinity", "3.5"]) {
      expect(statusOf(`/auth/error?error=${UNIAUTH_BUSY}&retryAfter=${junk}`)!.retryAfterSeconds).toBe(60);
    }
    expect(retryAfterOf("90")).toBe(90);
    expect(retryAfterOf(["90"])).toBeNull();
    expect(retryAfterOf("soon")).toBeNull();
  });
});
