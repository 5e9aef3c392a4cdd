import { describe, expect, it } from "vitest";
import { groupsSchema, rolesFromGroups, uniauthClaimsSchema } from "@/lib/auth/core/uniauth/claims";

const base = { sub: "a".repeat(64), email: "Mia@Example.com" };

describe("uniauthClaimsSchema", () => {
  it("keeps only boolean true as a verified email", () => {
    for (const [value, verified] of [[true, true], [false, false], ["true", false], [1, false], [undefined, false], [null, false]] as const) {
      expect(uniauthClaimsSchema.parse({ ...base, email_verified: value }).email_verified).toBe(verified);
    }
    expect(uniauthClaimsSchema.parse(base).email_verified).toBe(false);
  });

  it("lower-cases the email and requires sub and email", () => {
    expect(uniauthClaimsSchema.parse(base).email).toBe("mia@example.com");
    expect(uniauthClaimsSchema.safeParse({ email: base.email }).success).toBe(false);
    expect(uniauthClaimsSchema.safeParse({ sub: base.sub }).success).toBe(false);
    expect(uniauthClaimsSchema.safeParse({ ...base, email: "not-an-email" }).success).toBe(false);
  });

  it("keeps the OP session id when present", () => {
    expect(uniauthClaimsSchema.parse({ ...base, sid: "op-session" }).sid).toBe("op-session");
    expect(uniauthClaimsSchema.parse(base).sid).toBeUndefined();
  });

  it("keeps acr and amr when well-formed, and drops them otherwise without refusing the sign-in", () => {
    expect(uniauthClaimsSchema.parse({ ...base, acr: "urn:uniauth:acr:mfa", amr: ["pwd", "otp"] })).toMatchObject({ acr: "urn:uniauth:acr:mfa", amr: ["pwd", "otp"] });
    const odd = uniauthClaimsSchema.parse({ ...base, acr: 3, amr: "pwd" });
    expect([odd.acr, odd.amr]).toEqual([undefined, undefined]);
    expect(uniauthClaimsSchema.parse(base)).not.toHaveProperty("acr", expect.anything());
  });
});

describe("groupsSchema", () => {
  it("normalises the groups claim", () => {
    expect(groupsSchema.parse(undefined)).toEqual([]);
    expect(groupsSchema.parse(null)).toEqual([]);
    expect(groupsSchema.parse("admin")).toEqual(["admin"]);
    expect(groupsSchema.parse(["staff", 7, null, { admin: true }, "readonly"])).toEqual(["staff", "readonly"]);
    expect(groupsSchema.parse({ admin: true })).toEqual([]);
  });
});

describe("rolesFromGroups", () => {
  it("maps admin to staff and superuser, staff to staff, anything else to neither", () => {
    expect(rolesFromGroups(["admin"])).toEqual({ isStaff: true, isSuperuser: true });
    expect(rolesFromGroups(["staff", "engineering"])).toEqual({ isStaff: true, isSuperuser: false });
    expect(rolesFromGroups([])).toEqual({ isStaff: false, isSuperuser: false });
  });

  it("matches names exactly", () => {
    expect(rolesFromGroups(["Admin", "ADMIN", "admins", " staff", "staff-team"])).toEqual({ isStaff: false, isSuperuser: false });
  });
});
