import { describe, expect, it } from "vitest";
import { importWithEnv } from "../support/fresh-import";

// The known-device cookie (lib/auth/features/token-budget/devices.ts): what it names is worth a share of UniAuth's budget, so only a
// value this app signed is read, under any of its secrets, and nothing else. Its user is the KnownDevice row's.
const [OLD, NEW] = ["o".repeat(32), "n".repeat(32)];
const devices = (secrets: Record<string, string>) => importWithEnv(() => import("@/lib/auth/features/token-budget/devices"), secrets);
const device = "device-1";

describe("the known-device cookie", () => {
  it("reads back what the app signed, and refuses any change to the device or the signature", async () => {
    const { deviceCookieValue, verify } = await devices({ AUTH_SECRET: OLD });
    const value = deviceCookieValue(device);
    expect(verify(value)).toBe(device);
    const [id, signature] = value.split(".") as [string, string];
    for (const forged of [`device-2.${signature}`, `${id}.${signature.slice(0, -2)}AA`, id, `${value}.x`, "", undefined]) {
      expect(verify(forged), String(forged)).toBeNull();
    }
  });

  it("still reads a cookie signed before AUTH_SECRET was rotated, and signs new ones with the newest secret", async () => {
    const before = await devices({ AUTH_SECRET: OLD });
    const after = await devices({ AUTH_SECRET: OLD, AUTH_SECRET_1: NEW });
    expect(after.verify(before.deviceCookieValue(device))).toBe(device);
    const fresh = after.deviceCookieValue(device);
    expect(before.verify(fresh)).toBeNull();
    expect((await devices({ AUTH_SECRET: NEW })).verify(fresh)).toBe(device);
  });
});
