import { describe, expect, it } from "vitest";
import { describeSignInMethod, formatSeconds } from "@/app/_components/format";
import { describeStepUpPolicy } from "@/app/_components/format"; // feature:step-up

describe("describeSignInMethod", () => {
  it("names UniAuth's own acr values in words", () => {
    expect(describeSignInMethod("urn:uniauth:acr:pwd")).toBe("password");
    expect(describeSignInMethod("urn:uniauth:acr:mfa")).toBe("password and MFA");
    expect(describeSignInMethod("urn:uniauth:acr:passkey")).toBe("passkey");
  });

  it("shows an acr it has no words for as a sign-in method named as UniAuth names it", () => {
    expect(describeSignInMethod("urn:example:acr:gold")).toBe("a sign-in method UniAuth calls “urn:example:acr:gold”");
    expect(describeSignInMethod("1")).toBe("a sign-in method UniAuth calls “1”");
    // Not a key of any object: an acr such as "toString" or "__proto__" is unknown too.
    expect(describeSignInMethod("toString")).toBe("a sign-in method UniAuth calls “toString”");
    expect(describeSignInMethod("__proto__")).toBe("a sign-in method UniAuth calls “__proto__”");
  });

  it("says when UniAuth did not say", () => {
    expect(describeSignInMethod(null)).toBe("not stated by UniAuth");
    expect(describeSignInMethod(undefined)).toBe("not stated by UniAuth");
    expect(describeSignInMethod("")).toBe("not stated by UniAuth");
  });

  // feature:step-up begin
  it("reads in the step-up policy text, for known and unknown values alike", () => {
    expect(describeStepUpPolicy({ maxAgeSeconds: 600, acr: ["urn:uniauth:acr:mfa", "urn:example:acr:gold"] })).toBe(
      "a UniAuth sign-in in the last 10 minutes, with password and MFA or a sign-in method UniAuth calls “urn:example:acr:gold”",
    );
  });
  // feature:step-up end
});

describe("formatSeconds", () => {
  it("says a duration in the unit a reader needs, rounded up", () => {
    expect(formatSeconds(1)).toBe("1 second");
    expect(formatSeconds(45)).toBe("45 seconds");
    expect(formatSeconds(120)).toBe("2 minutes");
    expect(formatSeconds(841)).toBe("15 minutes");
    expect(formatSeconds(3600)).toBe("60 minutes");
    expect(formatSeconds(7200)).toBe("2 hours");
    expect(formatSeconds(7201)).toBe("3 hours");
  });
});
