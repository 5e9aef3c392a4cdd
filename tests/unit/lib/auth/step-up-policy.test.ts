import { describe, expect, it } from "vitest";
import { recentUntil, stepUpClaimsRefusal } from "@/lib/auth/features/step-up/policy";

const now = Date.parse("2026-11-27T12:00:00Z");
const minutes = (n: number) => n * 60_000;
const ten = { maxAgeSeconds: 600 };
const mfa = { maxAgeSeconds: 600, acr: ["urn:uniauth:acr:mfa"] };

describe("recentUntil", () => {
  it("allows sensitive actions until the sign-in is STEP_UP_MAX_AGE_SECONDS old", () => {
    const authTime = new Date(now - minutes(4));
    expect(recentUntil({ authTime, acr: null }, ten, now)).toEqual(new Date(now + minutes(6)));
  });

  it("does not allow them once it is older, or when UniAuth did not say when", () => {
    expect(recentUntil({ authTime: new Date(now - minutes(11)), acr: null }, ten, now)).toBeNull();
    expect(recentUntil({ authTime: new Date(now - minutes(10)), acr: null }, ten, now)).toBeNull();
    expect(recentUntil({ authTime: null, acr: "urn:uniauth:acr:mfa" }, ten, now)).toBeNull();
  });

  it("with STEP_UP_ACR, needs one of its values however recent the sign-in", () => {
    const authTime = new Date(now - minutes(1));
    expect(recentUntil({ authTime, acr: "urn:uniauth:acr:pwd" }, mfa, now)).toBeNull();
    expect(recentUntil({ authTime, acr: null }, mfa, now)).toBeNull();
    expect(recentUntil({ authTime, acr: "urn:uniauth:acr:mfa" }, mfa, now)).toEqual(new Date(now + minutes(9)));
    const either = { maxAgeSeconds: 600, acr: ["urn:uniauth:acr:mfa", "urn:uniauth:acr:passkey"] };
    expect(recentUntil({ authTime, acr: "urn:uniauth:acr:passkey" }, either, now)).not.toBeNull();
  });
});

describe("stepUpClaimsRefusal", () => {
  const startedAt = now - minutes(1);
  const seconds = (ms: number) => Math.floor(ms / 1000);

  it("accepts a sign-in made after the step-up began", () => {
    expect(stepUpClaimsRefusal({ auth_time: seconds(now - 5_000) }, startedAt, ten, now)).toBeNull();
    expect(stepUpClaimsRefusal({ auth_time: seconds(now), acr: "urn:uniauth:acr:mfa" }, startedAt, mfa, now)).toBeNull();
  });

  it("refuses an ID token without auth_time: max_age was sent, so UniAuth must say", () => {
    expect(stepUpClaimsRefusal({}, startedAt, ten, now)).toBe("AuthTimeMissing");
  });

  it("refuses a sign-in from before the step-up (UniAuth ignored max_age), within 30 s of clock skew", () => {
    expect(stepUpClaimsRefusal({ auth_time: seconds(startedAt - minutes(11)) }, startedAt, ten, now)).toBe("AuthTimeStale");
    expect(stepUpClaimsRefusal({ auth_time: seconds(startedAt - 31_000) }, startedAt, ten, now)).toBe("AuthTimeStale");
    expect(stepUpClaimsRefusal({ auth_time: seconds(startedAt - 29_000) }, startedAt, ten, now)).toBeNull();
  });

  it("refuses an auth_time in the future", () => {
    expect(stepUpClaimsRefusal({ auth_time: seconds(now + minutes(5)) }, startedAt, ten, now)).toBe("AuthTimeStale");
  });

  it("with STEP_UP_ACR, refuses another acr or none", () => {
    expect(stepUpClaimsRefusal({ auth_time: seconds(now), acr: "urn:uniauth:acr:pwd" }, startedAt, mfa, now)).toBe("AcrNotMet");
    expect(stepUpClaimsRefusal({ auth_time: seconds(now) }, startedAt, mfa, now)).toBe("AcrNotMet");
  });
});
