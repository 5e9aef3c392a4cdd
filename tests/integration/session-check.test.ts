import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { needsRefresh } from "@/lib/auth/refresh";
import { checkSession } from "@/lib/auth/session-check";
import { recordSignIn } from "@/lib/auth/sign-in";
import { db } from "@/lib/db";
import { testEnv } from "../support/env";
import { importWithEnv, unreachableDatabaseUrl } from "../support/fresh-import";

afterAll(() => db.$disconnect());

const minute = 60_000;
const base = { id: "s", userId: "u", refreshToken: "r", tokensRefreshedAt: new Date(Date.now() - 10 * minute), refreshLeaseUntil: null, refreshFailures: 0 };

describe("needsRefresh", () => {
  const now = Date.now();

  it("refreshes shortly before the access token expires, not long before", () => {
    expect(needsRefresh({ ...base, accessTokenExpiresAt: new Date(now + 30 * minute) }, now)).toBe(false);
    expect(needsRefresh({ ...base, accessTokenExpiresAt: new Date(now + 30_000) }, now)).toBe(true);
    expect(needsRefresh({ ...base, accessTokenExpiresAt: new Date(now - minute) }, now)).toBe(true);
  });

  it("never while another request holds the lease or backs off, nor without a refresh token", () => {
    const expired = { ...base, accessTokenExpiresAt: new Date(now - minute) };
    expect(needsRefresh({ ...expired, refreshLeaseUntil: new Date(now + 10_000) }, now)).toBe(false);
    expect(needsRefresh({ ...expired, refreshLeaseUntil: new Date(now - 10_000) }, now)).toBe(true);
    expect(needsRefresh({ ...expired, refreshToken: null }, now)).toBe(false);
  });

  it("assumes UniAuth's one-hour lifetime when the expiry is unknown, instead of refreshing every time", () => {
    expect(needsRefresh({ ...base, accessTokenExpiresAt: null }, now)).toBe(false);
    expect(needsRefresh({ ...base, accessTokenExpiresAt: null, tokensRefreshedAt: new Date(now - 61 * minute) }, now)).toBe(true);
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
    const token = { sessionId: session.id };
    expect(await checkSession(token)).toMatchObject({ sessionId: session.id, user: { isStaff: true } });
    await db.user.update({ where: { id: session.user.id }, data: { isStaff: false } });
    expect(await checkSession(token)).toMatchObject({ user: { isStaff: false } });
    await db.session.delete({ where: { id: session.id } });
    expect(await checkSession(token)).toBeNull();
    expect(await checkSession({})).toBeNull();
  });

  it("checks a session with one statement: the row, the user and the roles together", async () => {
    const session = await signIn();
    const statements = vi.spyOn(pg.Client.prototype, "query");
    try {
      expect(await checkSession({ sessionId: session.id })).toMatchObject({ sessionId: session.id, user: { email: session.user.email } });
      expect(statements).toHaveBeenCalledTimes(1);
    } finally {
      statements.mockRestore();
    }
  });

  it("keeps the session, marked unavailable, when the database is unreachable (an outage signs no one out)", async () => {
    const session = await signIn();
    const { checkSession: checkWithDeadDatabase } = await importWithEnv(() => import("@/lib/auth/session-check"), {
      DATABASE_URL: unreachableDatabaseUrl(testEnv("DATABASE_URL")),
    });
    const token = { sessionId: session.id, user: session.user };
    expect(await checkWithDeadDatabase(token)).toEqual({ ...token, unavailable: true });
  });
});
