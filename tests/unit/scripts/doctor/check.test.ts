import { describe, expect, it } from "vitest";
import { exitCode, fail, formatResult, ok, redact, secretsIn, skip, summary, warn } from "../../../../scripts/doctor/check";

describe("the doctor's lines", () => {
  it("mark each check, and fail the run only on a failure", () => {
    expect(formatResult(fail("pkce", "no S256"), 6)).toBe("FAIL  pkce    no S256");
    expect(exitCode([ok("a", ""), warn("b", ""), skip("c", "")])).toBe(0);
    expect(exitCode([ok("a", ""), fail("b", "")])).toBe(1);
    expect(summary([ok("a", ""), warn("b", ""), fail("c", "")])).toBe("FAILED: 1 ok, 1 warnings, 1 failed, 0 skipped (warnings do not fail the run)");
  });

  it("never show a secret or the database password, whatever a library put in a message", () => {
    const env = { AUTH_SECRET: "s3cr3t-value-abc", UNIAUTH_CLIENT_SECRET: "unis_xyz", DATABASE_URL: "postgresql://app:p%40ss@db:5432/app" };
    const secrets = secretsIn(env);
    expect(redact("auth for app:p@ss failed with s3cr3t-value-abc and unis_xyz", secrets)).toBe("auth for app:*** failed with *** and ***");
  });
});
