import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { needsRefresh } from "@/lib/auth/core/session/refresh";
import { checkSession } from "@/lib/auth/core/session/check";
import { recordSignIn } from "@/lib/auth/core/session/sign-in";
import { db } from "@/lib/db";
import { testEnv } from "../support/env";
import { importWithEnv, unreachableDatabaseUrl } from "../support/fresh-import";

afterAll(() => db.$disconnect());

const minute = 60_000;
const base = { id: "s", userId: "u", refreshToken: "r", accessTokenExpiresAt: null, refreshLeaseUntil: null, refreshRetryAt: null, refreshFailures: 0 };

describe("needsRefresh", () => {
  const now = Date.now();
  const rolesRead = (minutesAgo: number) => ({ ...base, rolesReadAt: new Date(now - minutesAgo * minute) });

  it("refreshes for one reason: the roles are older than their kind's role age, whatever the access token", () => {
    // Staff and superusers: ROLES_MAX_AGE_SECONDS (an hour).
    expect(needsRefresh(rolesRead(59), true, now)).toBe(false);
    expect(needsRefresh({ ...rolesRead(59), accessTokenExpiresAt: new Date(now - minute) }, true, now)).toBe(false);
    expect(needsRefresh(rolesRead(60), true, now)).toBe(true);
    expect(needsRefresh({ ...rolesRead(61), accessTokenExpiresAt: new Date(now + 30 * minute) }, true, now)).toBe(true);
    // Members: MEMBER_ROLES_MAX_AGE_SECONDS.
    const memberMinutes = Number(testEnv("MEMBER_ROLES_MAX_AGE_SECONDS")) / 60;
    expect(needsRefresh(rolesRead(memberMinutes - 1), false, now)).toBe(false);
    expect(needsRefresh(rolesRead(memberMinutes), false, now)).toBe(true);
  });

  it("never while another request holds the lease or backs off, nor without a refresh token", () => {
    const due = rolesRead(90);
    expect(needsRefresh({ ...due, refreshLeaseUntil: new Date(now + 10_000) }, true, now)).toBe(false);
    expect(needsRefresh({ ...due, refreshLeaseUntil: new Date(now - 10_000) }, true, now)).toBe(true);
    expect(needsRefresh({ ...due, refreshRetryAt: new Date(now + 10_000) }, true, now)).toBe(false);
    expect(needsRefresh({ ...due, refreshRetryAt: new Date(now - 10_000), refreshFailures: 3 }, true, now)).toBe(true);
    expect(needsRefresh({ ...due, refreshToken: null }, true, now)).toBe(false);
  });
});

describe("checkSession", () => {
  const signIn = () =>
    recordSignIn({
      claims: { sub: `sub-${Date.now()}-${Math.random()}`, email: `check-${Date.now()}-${Math.random()}@example.com`, email_verified: true, groups: ["staff"] },
      tokens: { refresh_token: "r", expires_at: Math.floor(Date.now() / 1000) + 3600 },
      userAgent: null,
    });

  it("refreshes the token's user and roles from the database, and ends it when the row is gone", async () => {
    const session = await signIn();
    expect(await checkSession(session.id)).toMatchObject({ status: "signed-in", session: { id: session.id, user: { isStaff: true } } });
    await db.user.update({ where: { id: session.user.id }, data: { isStaff: false } });
    expect(await checkSession(session.id)).toMatchObject({ status: "signed-in", session: { user: { isStaff: false } } });
    await db.session.delete({ where: { id: session.id } });
    expect(await checkSession(session.id)).toEqual({ status: "signed-out" });
    expect(await checkSession(undefined)).toEqual({ status: "signed-out" });
  });

  it("honours staff and superuser rights only while their last read from UniAuth is recent (ELEVATED_ROLES_MAX_AGE_SECONDS)", async () => {
    const session = await signIn();
    await db.user.update({ where: { id: session.user.id }, data: { isSuperuser: true } });
    // No refresh token: nothing can re-read the roles (as with a spent budget or UniAuth down), so they only age.
    const rolesReadAgo = (minutes: number) =>
      db.session.update({ where: { id: session.id }, data: { refreshToken: null, rolesReadAt: new Date(Date.now() - minutes * minute) } });
    await rolesReadAgo(119);
    expect(await checkSession(session.id)).toMatchObject({ status: "signed-in", session: { user: { isStaff: true, isSuperuser: true } } });
    await rolesReadAgo(121);
    expect(await checkSession(session.id)).toMatchObject({
      status: "signed-in",
      session: { user: { email: session.user.email, groups: ["staff"], isStaff: false, isSuperuser: false } },
    });
    expect(await db.user.findUniqueOrThrow({ where: { id: session.user.id } })).toMatchObject({ isStaff: true, isSuperuser: true });
  });

  it("checks a session with one statement: the row, the user and the roles together", async () => {
    const session = await signIn();
    const statements = vi.spyOn(pg.Client.prototype, "query");
    try {
      expect(await checkSession(session.id)).toMatchObject({ status: "signed-in", session: { id: session.id, user: { email: session.user.email } } });
      expect(statements).toHaveBeenCalledTimes(1);
    } finally {
      statements.mockRestore();
    }
  });

  it("can't tell when the database is unreachable: neither signed in nor signed out (an outage signs no one out)", async () => {
    const session = await signIn();
    const { checkSession: checkWithDeadDatabase } = await importWithEnv(() => import("@/lib/auth/core/session/check"), {
      DATABASE_URL: unreachableDatabaseUrl(testEnv("DATABASE_URL")),
    });
    expect(await checkWithDeadDatabase(session.id)).toEqual({ status: "unavailable" });
  });

  it("throws any other failure rather than calling it an outage (or a sign-out)", async () => {
    const session = await signIn();
    // What PostgreSQL answers a query written against another schema: a bug to surface, not an outage.
    const bug = Object.assign(new Error('column "nope" does not exist'), { code: "42703", severity: "ERROR" });
    const broken = vi.spyOn(pg.Client.prototype, "query").mockImplementationOnce((...args: unknown[]) => {
      const callback = args.find((arg) => typeof arg === "function") as ((error: Error) => void) | undefined;
      if (!callback) return Promise.reject(bug) as never;
      queueMicrotask(() => callback(bug));
      return undefined as never;
    });
    try {
      await expect(checkSession(session.id)).rejects.toThrow(/does not exist/);
    } finally {
      broken.mockRestore();
    }
    expect(await checkSession(session.id)).toMatchObject({ status: "signed-in" });
  });
});
