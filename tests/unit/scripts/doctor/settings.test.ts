import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { authUrlCheck, estimatedBits, secretWeakness, settingsCheck } from "../../../../scripts/doctor/settings";

const input = (env: Record<string, string>, production = false) => ({ env, production, projectDir: process.cwd() });

describe("secretWeakness", () => {
  it("passes what the docs say to generate: openssl rand -base64 33 and -hex 32", () => {
    for (let i = 0; i < 50; i++) {
      expect(secretWeakness(randomBytes(33).toString("base64"))).toBeNull();
      expect(secretWeakness(randomBytes(32).toString("hex"))).toBeNull();
    }
  });

  it("fails a short secret, the .env.example value, a placeholder, too little variety and a repeated pattern", () => {
    expect(secretWeakness("Zq8x".repeat(7))).toMatchObject({ fails: true, why: "28 characters, fewer than 32" });
    const example = randomBytes(33).toString("base64");
    expect(secretWeakness(example, [example])).toMatchObject({ fails: true, why: "the value from .env.example" });
    expect(secretWeakness("my-Super-Secret-for-the-auth-kit-2026")?.fails).toBe(true);
    expect(secretWeakness("replace with openssl rand -base64 33 output")?.fails).toBe(true);
    expect(secretWeakness("0123456789012345678901234567890123456789")?.fails).toBe(true);
    expect(secretWeakness("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")).toMatchObject({ fails: true, why: "only 1 different characters" });
    expect(secretWeakness("Kx9!pQ2@mZ7#Kx9!pQ2@mZ7#Kx9!pQ2@mZ7#")).toMatchObject({ fails: true, why: "a repeated pattern" });
  });

  it("warns, without failing, below 256 bits a generator could have given (32 hex characters: 128)", () => {
    expect(estimatedBits(randomBytes(16).toString("hex").replace(/^./, "f"))).toBe(128);
    expect(secretWeakness(randomBytes(16).toString("hex").replace(/^./, "f"))).toMatchObject({ fails: false });
    expect(estimatedBits(randomBytes(33).toString("base64").replace(/^../, "aB"))).toBe(264);
  });
});

describe("settingsCheck", () => {
  it("reports lib/env-schema.ts's own messages on one line, without the values", () => {
    const result = settingsCheck(input({ AUTH_SECRET: "short", UNIAUTH_ISSUER: "ftp://uniauth.id" }));
    expect(result.status).toBe("fail");
    expect(result.finding).toContain("AUTH_SECRET must be at least 32 characters");
    expect(result.finding).toContain("UNIAUTH_ISSUER must be an http(s) URL");
    expect(result.finding).toContain("DATABASE_URL is missing");
    expect(result.finding).not.toContain("\n");
    expect(result.finding).not.toContain("short");
  });
});

describe("authUrlCheck", () => {
  it("takes http in development, requires https in production, and warns when unset in production", () => {
    expect(authUrlCheck(input({ AUTH_URL: "http://localhost:3000" })).status).toBe("ok");
    expect(authUrlCheck(input({ AUTH_URL: "http://app.example.com" }, true)).status).toBe("fail");
    expect(authUrlCheck(input({ AUTH_URL: "https://app.example.com/" }, true))).toMatchObject({ status: "ok", finding: "https://app.example.com" });
    expect(authUrlCheck(input({}, true)).status).toBe("warn");
    expect(authUrlCheck(input({ AUTH_URL: "app.example.com" }, true)).status).toBe("fail");
  });
});
