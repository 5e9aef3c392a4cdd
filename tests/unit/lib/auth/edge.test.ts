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

describe("the edge gate and the forms a path can take", () => {
  it("decodes a path as Next.js's router does: an encoded role area is still the role area", () => {
    expect(normalizePath("/%61dmin")).toBe("/admin");
    expect(roleFor("/%61dmin", access)).toBe("staff");
    expect(roleFor("/%61dmin/users", access)).toBe("staff");
    expect(isPublic("/%61dmin", access)).toBe(false);
    // Encoded twice, it names another page (a 404), which is not public either.
    expect(isPublic("/%2561dmin", access)).toBe(false);
    expect(isPublic("/%73ignin", access)).toBe(true);
  });

  it("never makes a path public through encoded dot segments or a malformed encoding", () => {
    expect(normalizePath("/api/auth/..%2Fnotes")).toBeNull();
    expect(isPublic("/api/auth/..%2Fnotes", access)).toBe(false);
    expect(isPublic("/api/auth/%2E%2E/notes", access)).toBe(false);
    expect(isPublic("/signin%5C..", access)).toBe(false);
    expect(isPublic("/%E0%A4%A", access)).toBe(false);
  });

  it("treats only top-level files with a listed extension as public files, and nothing in a role area", () => {
    expect(isPublic("/logo.png", access)).toBe(true);
    expect(isPublic("/notes/x.png", access)).toBe(false);
    expect(isPublic("/admin/a.svg", access)).toBe(false);
    expect(isPublic("/feed.rss", access)).toBe(false);
    expect(isPublic("/api/export.png", access)).toBe(false);
    expect(isPublic("/admin.png", { ...access, roles: { "/admin.png": "staff" } })).toBe(false);
  });
});
