import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { budgetCheck, mostCallsInUniAuthWindow, tokenBudgetCheck } from "../../../../scripts/doctor/token-budget";

describe("budgetCheck", () => {
  it("passes the defaults: 30 calls per 900 s, 18 + 6 in shares, an open pool of 6", () => {
    expect(budgetCheck({ limit: 30, windowSeconds: 900, refreshShare: 18, knownDeviceShare: 6 })).toMatchObject({ status: "ok", finding: expect.stringContaining("open pool 6") });
  });

  it("fails shares that leave no open pool", () => {
    expect(budgetCheck({ limit: 30, windowSeconds: 900, refreshShare: 24, knownDeviceShare: 6 }).status).toBe("fail");
  });

  it("fails a budget that can make more calls than UniAuth's 30 in any 900 s", () => {
    expect(mostCallsInUniAuthWindow({ limit: 15, windowSeconds: 450 })).toBe(30);
    expect(mostCallsInUniAuthWindow({ limit: 15, windowSeconds: 400 })).toBe(45);
    expect(mostCallsInUniAuthWindow({ limit: 30, windowSeconds: 3600 })).toBe(30);
    expect(budgetCheck({ limit: 31, windowSeconds: 900, refreshShare: 18, knownDeviceShare: 6 }).status).toBe("fail");
    expect(budgetCheck({ limit: 15, windowSeconds: 450, refreshShare: 9, knownDeviceShare: 3 }).status).toBe("ok");
    expect(budgetCheck({ limit: 20, windowSeconds: 600, refreshShare: 9, knownDeviceShare: 3 }).status).toBe("fail");
  });
});

describe("tokenBudgetCheck", () => {
  it("reads the settings with their defaults and messages, while the feature's folder is there", () => {
    expect(tokenBudgetCheck({ env: {}, production: false, projectDir: process.cwd() }).status).toBe("ok");
    expect(tokenBudgetCheck({ env: { UNIAUTH_TOKEN_LIMIT: "lots" }, production: false, projectDir: process.cwd() })).toMatchObject({
      status: "fail",
      finding: "UNIAUTH_TOKEN_LIMIT must be a number of calls",
    });
  });

  it("is skipped once the feature is removed (no lib/auth/features/token-budget/)", async () => {
    const removed = await mkdtemp(path.join(tmpdir(), "doctor-no-budget-"));
    try {
      expect(tokenBudgetCheck({ env: { UNIAUTH_REFRESH_SHARE: "100" }, production: false, projectDir: removed }).status).toBe("skip");
    } finally {
      await rm(removed, { recursive: true });
    }
  });
});
