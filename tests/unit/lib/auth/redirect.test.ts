import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "@/lib/auth/core/base/redirect";
import { OPEN_REDIRECT_PAYLOADS } from "../../../support/open-redirect";

describe("safeCallbackPath", () => {
  it("keeps same-origin paths with their query and hash", () => {
    expect(safeCallbackPath("/dashboard")).toBe("/dashboard");
    expect(safeCallbackPath("/admin/users?page=2#top")).toBe("/admin/users?page=2#top");
  });

  it.each([
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "/%0A/evil.example".replace("%0A", "\n"),
    " /dashboard",
    "",
    "dashboard",
    "/.//evil.example",
    "/%2e//evil.example",
    "/./%2F/evil.example".replace("%2F", "/"),
    "/a/..//evil.example",
  ])("turns %j into the fallback", (value) => {
    expect(safeCallbackPath(value, "/home")).toBe("/home");
  });

  // The payloads tests/e2e/open-redirect.spec.ts also sends through a whole sign-in: whatever comes out is a path on
  // this origin, which no browser reads as another host (`//host`, `/\host`).
  it.each(OPEN_REDIRECT_PAYLOADS)("keeps %j on this origin", (value) => {
    const path = safeCallbackPath(value, "/dashboard");
    expect(path).toMatch(/^\/(?![/\\])/);
    expect(new URL(path, "http://app.invalid").origin).toBe("http://app.invalid");
  });

  it("ignores what is not a string", () => {
    expect(safeCallbackPath(null)).toBe("/");
    expect(safeCallbackPath(["/dashboard"])).toBe("/");
  });
});
