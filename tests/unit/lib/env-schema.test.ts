import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env-schema";

const valid = {
  AUTH_SECRET: "x".repeat(44),
  UNIAUTH_CLIENT_ID: `uni_${"a".repeat(32)}`,
  UNIAUTH_CLIENT_SECRET: `unis_${"b".repeat(64)}`,
  DATABASE_URL: "postgresql://user:pw@db.example.com:5432/app",
};

function errorOf(source: Record<string, string | undefined>): string {
  try {
    parseEnv(source);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("parseEnv accepted an invalid environment");
}

describe("parseEnv", () => {
  it("accepts a complete environment and defaults the issuer to UniAuth", () => {
    const env = parseEnv(valid);
    expect(env.UNIAUTH_ISSUER).toBe("https://uniauth.id");
    expect(env.AUTH_URL).toBeUndefined();
  });

  it("lists every missing key, with where to get it, in one error", () => {
    const message = errorOf({});
    for (const key of ["AUTH_SECRET", "UNIAUTH_CLIENT_ID", "UNIAUTH_CLIENT_SECRET", "DATABASE_URL"]) {
      expect(message).toContain(`${key} is missing`);
    }
    expect(message).toContain("UniAuth Developer Console");
    expect(message).toContain("openssl rand");
  });

  it("treats empty strings as missing", () => {
    expect(errorOf({ ...valid, AUTH_SECRET: "", DATABASE_URL: "  " })).toMatch(/AUTH_SECRET is missing[\s\S]*DATABASE_URL is missing/);
  });

  it("checks UniAuth credential shapes, alongside other bad keys", () => {
    const message = errorOf({ ...valid, AUTH_SECRET: "short", UNIAUTH_CLIENT_ID: "uni_short", UNIAUTH_CLIENT_SECRET: "secret" });
    expect(message).toContain("AUTH_SECRET must be at least 32 characters");
    expect(message).toContain("UNIAUTH_CLIENT_ID must be uni_ followed by 32");
    expect(message).toContain("UNIAUTH_CLIENT_SECRET must be unis_ followed by 64");
  });

  it("does not apply UniAuth's credential shapes to another issuer (the local stand-in)", () => {
    const env = parseEnv({ ...valid, UNIAUTH_ISSUER: "http://localhost:4000/", UNIAUTH_CLIENT_ID: "local", UNIAUTH_CLIENT_SECRET: "local" });
    expect(env.UNIAUTH_ISSUER).toBe("http://localhost:4000");
  });

  it("refuses a plain-http issuer in production, except on this machine", () => {
    const production = { ...valid, NODE_ENV: "production", UNIAUTH_CLIENT_ID: "local", UNIAUTH_CLIENT_SECRET: "local" };
    expect(errorOf({ ...production, UNIAUTH_ISSUER: "http://id.example.com" })).toContain("UNIAUTH_ISSUER must be https in production");
    expect(parseEnv({ ...production, UNIAUTH_ISSUER: "http://localhost:4100" }).UNIAUTH_ISSUER).toBe("http://localhost:4100");
    expect(parseEnv({ ...valid, UNIAUTH_ISSUER: "http://id.example.com", UNIAUTH_CLIENT_ID: "x", UNIAUTH_CLIENT_SECRET: "y" }).NODE_ENV).toBe("development");
  });

  it("parses the optional switches", () => {
    // feature:frontchannel-logout begin
    expect(parseEnv(valid).UNIAUTH_FRONTCHANNEL_LOGOUT).toBe(false);
    expect(parseEnv({ ...valid, UNIAUTH_FRONTCHANNEL_LOGOUT: "true" })).toMatchObject({ UNIAUTH_FRONTCHANNEL_LOGOUT: true });
    expect(errorOf({ ...valid, UNIAUTH_FRONTCHANNEL_LOGOUT: "yes please" })).toContain("UNIAUTH_FRONTCHANNEL_LOGOUT must be true or false");
    // feature:frontchannel-logout end
    const message = errorOf({ ...valid, ROLES_MAX_AGE_SECONDS: "5", CRON_SECRET: "short", UNIAUTH_LOGOUT_TOKEN_OPTIONAL: "iat" });
    expect(message).toContain("ROLES_MAX_AGE_SECONDS must be at least 10");
    expect(message).toContain("CRON_SECRET must be at least 16 characters");
    expect(message).toContain("UNIAUTH_LOGOUT_TOKEN_OPTIONAL must be jti or exp");
  });

  it("reads the role ages (and the rate budget), with UniAuth's figures as defaults, and refuses settings that contradict", () => {
    expect(parseEnv(valid)).toMatchObject({
      ROLES_MAX_AGE_SECONDS: 3600,
      MEMBER_ROLES_MAX_AGE_SECONDS: 172_800,
      ELEVATED_ROLES_MAX_AGE_SECONDS: 7200,
      UNIAUTH_TOKEN_LIMIT: 30, // feature:token-budget
      UNIAUTH_RATE_WINDOW_SECONDS: 900, // feature:token-budget
      UNIAUTH_REFRESH_SHARE: 18, // feature:token-budget
      UNIAUTH_KNOWN_DEVICE_SHARE: 6, // feature:token-budget
      SIGNINS_PER_DEVICE: 3, // feature:token-budget
      SIGNINS_PER_USER: 5, // feature:token-budget
      SIGNIN_FAILURES_PER_ADDRESS: 5, // feature:token-budget
      TRUSTED_PROXY_HOPS: 0,
    });
    const message = errorOf({
      ...valid,
      ROLES_MAX_AGE_SECONDS: "600",
      ELEVATED_ROLES_MAX_AGE_SECONDS: "300",
      MEMBER_ROLES_MAX_AGE_SECONDS: "599",
      UNIAUTH_TOKEN_LIMIT: "10", // feature:token-budget
      UNIAUTH_REFRESH_SHARE: "6", // feature:token-budget
      UNIAUTH_KNOWN_DEVICE_SHARE: "4", // feature:token-budget
      TRUSTED_PROXY_HOPS: "-1",
      SIGNINS_PER_DEVICE: "6", // feature:token-budget
    });
    expect(message).toContain("ELEVATED_ROLES_MAX_AGE_SECONDS must be at least ROLES_MAX_AGE_SECONDS");
    expect(message).toContain("MEMBER_ROLES_MAX_AGE_SECONDS must be at least ROLES_MAX_AGE_SECONDS");
    expect(message).toContain("UNIAUTH_KNOWN_DEVICE_SHARE plus UNIAUTH_REFRESH_SHARE must be less than UNIAUTH_TOKEN_LIMIT"); // feature:token-budget
    expect(message).toContain("TRUSTED_PROXY_HOPS must be at least 0");
    expect(message).toContain("SIGNINS_PER_DEVICE must be at most SIGNINS_PER_USER"); // feature:token-budget
    // feature:token-budget begin
    expect(parseEnv({ ...valid, UNIAUTH_TOKEN_LIMIT: "10", UNIAUTH_REFRESH_SHARE: "6", UNIAUTH_KNOWN_DEVICE_SHARE: "3" })).toMatchObject({ UNIAUTH_TOKEN_LIMIT: 10 });
    // feature:token-budget end
  });

  // feature:step-up begin
  it("reads the step-up settings, with their defaults", () => {
    expect(parseEnv(valid)).toMatchObject({ STEP_UP_MAX_AGE_SECONDS: 600 });
    expect(parseEnv(valid).STEP_UP_ACR).toBeUndefined();
    expect(parseEnv({ ...valid, STEP_UP_MAX_AGE_SECONDS: "300", STEP_UP_ACR: "urn:uniauth:acr:mfa urn:uniauth:acr:passkey" })).toMatchObject({
      STEP_UP_MAX_AGE_SECONDS: 300,
      STEP_UP_ACR: ["urn:uniauth:acr:mfa", "urn:uniauth:acr:passkey"],
    });
    const message = errorOf({ ...valid, STEP_UP_MAX_AGE_SECONDS: "10 minutes", STEP_UP_ACR: "mfa,  passkey" });
    expect(message).toContain("STEP_UP_MAX_AGE_SECONDS must be a number of seconds");
    expect(message).toContain("STEP_UP_ACR must be acr values separated by single spaces");
    expect(errorOf({ ...valid, STEP_UP_MAX_AGE_SECONDS: "90000" })).toContain("STEP_UP_MAX_AGE_SECONDS must be at most 86400");
  });
  // feature:step-up end

  // feature:audit-trail begin
  it("reads the audit trail's retention, with its default", () => {
    expect(parseEnv(valid)).toMatchObject({ AUDIT_RETENTION_DAYS: 90 });
    expect(parseEnv({ ...valid, AUDIT_RETENTION_DAYS: "365" })).toMatchObject({ AUDIT_RETENTION_DAYS: 365 });
    expect(errorOf({ ...valid, AUDIT_RETENTION_DAYS: "0" })).toContain("AUDIT_RETENTION_DAYS must be at least 1");
  });
  // feature:audit-trail end

  it("reads how long the app waits on UniAuth, with the production defaults", () => {
    expect(parseEnv(valid)).toMatchObject({ UNIAUTH_TIMEOUT_MS: 5000, UNIAUTH_DOWN_AFTER_MS: 10_000, UNIAUTH_DISCOVERY_RETRY_MS: 10_000 });
    expect(parseEnv({ ...valid, UNIAUTH_TIMEOUT_MS: "3000", UNIAUTH_DOWN_AFTER_MS: "5000", UNIAUTH_DISCOVERY_RETRY_MS: "500" })).toMatchObject({
      UNIAUTH_TIMEOUT_MS: 3000,
      UNIAUTH_DOWN_AFTER_MS: 5000,
      UNIAUTH_DISCOVERY_RETRY_MS: 500,
    });
    const message = errorOf({ ...valid, UNIAUTH_TIMEOUT_MS: "5 s", UNIAUTH_DOWN_AFTER_MS: "50", UNIAUTH_DISCOVERY_RETRY_MS: "3600001" });
    expect(message).toContain("UNIAUTH_TIMEOUT_MS must be a number of milliseconds");
    expect(message).toContain("UNIAUTH_DOWN_AFTER_MS must be at least 100");
    expect(message).toContain("UNIAUTH_DISCOVERY_RETRY_MS must be at most 3600000");
  });

  // feature:uniauth-outage begin
  it("reads how long one check that UniAuth answers stands, 5 s by default", () => {
    expect(parseEnv(valid)).toMatchObject({ UNIAUTH_CHECK_CACHE_MS: 5000 });
    expect(parseEnv({ ...valid, UNIAUTH_CHECK_CACHE_MS: "0" })).toMatchObject({ UNIAUTH_CHECK_CACHE_MS: 0 });
    expect(errorOf({ ...valid, UNIAUTH_CHECK_CACHE_MS: "-1" })).toContain("UNIAUTH_CHECK_CACHE_MS must be at least 0");
  });
  // feature:uniauth-outage end

  it("reads several secrets as Auth.js does, newest (highest-numbered) first", () => {
    const [old, next, newest] = ["o", "n", "w"].map((c) => c.repeat(40));
    expect(parseEnv(valid).AUTH_SECRETS).toEqual([valid.AUTH_SECRET]);
    expect(parseEnv({ ...valid, AUTH_SECRET: old, AUTH_SECRET_1: next }).AUTH_SECRETS).toEqual([next, old]);
    expect(parseEnv({ ...valid, AUTH_SECRET: old, AUTH_SECRET_1: next, AUTH_SECRET_2: newest }).AUTH_SECRETS).toEqual([newest, next, old]);
    // AUTH_SECRET itself may go once its sessions are over: a numbered secret alone is enough.
    expect(parseEnv({ ...valid, AUTH_SECRET: undefined, AUTH_SECRET_1: next }).AUTH_SECRETS).toEqual([next]);
  });

  it("checks every secret and names the ones Auth.js would never read, in one error", () => {
    const message = errorOf({ ...valid, AUTH_SECRET_1: "short", AUTH_SECRET_3: "  ", AUTH_SECRET_4: "x".repeat(40), UNIAUTH_CLIENT_ID: "uni_short" });
    expect(message).toContain("AUTH_SECRET_1 must be at least 32 characters");
    expect(message).not.toMatch(/AUTH_SECRET_3 (is|must)/);
    expect(message).toContain("AUTH_SECRET_4 is not read by Auth.js");
    expect(message).toContain("UNIAUTH_CLIENT_ID must be uni_ followed by 32");
    expect(errorOf({ ...valid, AUTH_SECRET: undefined })).toContain("AUTH_SECRET is missing");
  });

  it("rejects URLs of the wrong kind", () => {
    const message = errorOf({ ...valid, DATABASE_URL: "mysql://db/app", UNIAUTH_ISSUER: "ftp://uniauth.id", AUTH_URL: "not a url" });
    expect(message).toContain("DATABASE_URL must be a postgresql:// URL");
    expect(message).toContain("UNIAUTH_ISSUER must be an http(s) URL");
    expect(message).toContain("AUTH_URL must be an http(s) URL");
  });
});
