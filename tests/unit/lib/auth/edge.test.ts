import { describe, expect, it } from "vitest";
import { type AccessPolicy, access } from "@/lib/access";
import { isPublic, normalizePath, roleFor } from "@/lib/auth/edge";

describe("the edge gate's reading of lib/access.ts", () => {
  it("treats a page's RSC and segment-prefetch forms as that page", () => {
    expect(normalizePath("/signin.rsc")).toBe("/signin");
    expect(normalizePath("/signin.prefetch.rsc")).toBe("/signin");
    expect(normalizePath("/signin.segments/_tree.segment.rsc")).toBe("/signin");
    expect(normalizePath("/signin/.segments/_tree.segment.rsc")).toBe("/signin");
    expect(normalizePath("/index.rsc")).toBe("/");
    expect(normalizePath("/notes/")).toBe("/notes");
  });

  it("lists exactly what is public: the home page is not a prefix of everything", () => {
    for (const path of ["/", "/signin", "/signin.rsc", "/auth/error", "/api/auth/callback/uniauth", "/api/auth/backchannel-logout", "/api/health", "/icon.svg", "/favicon.ico"]) {
      expect(isPublic(path, access), path).toBe(true);
    }
    for (const path of ["/dashboard", "/dashboard.rsc", "/admin", "/notes", "/notes/abc", "/settings", "/signin-as-admin", "/api/notes", "/api/authx", "/api/health/x", "/api/export.png", "/DASHBOARD"]) {
      expect(isPublic(path, access), path).toBe(false);
    }
  });

  it("finds a role area for the prefix itself and everything under it, and nothing beside it", () => {
    expect(roleFor("/admin", access)).toBe("staff");
    expect(roleFor("/admin/users", access)).toBe("staff");
    expect(roleFor("/admin.rsc", access)).toBe("staff");
    expect(roleFor("/administrator", access)).toBeUndefined();
    expect(roleFor("/dashboard", access)).toBeUndefined();
    const policy: AccessPolicy = { public: [], publicFiles: [], roles: { "/billing": "superuser" } };
    expect(roleFor("/billing/invoices", policy)).toBe("superuser");
  });
});
