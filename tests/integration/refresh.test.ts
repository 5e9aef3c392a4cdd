import * as oauth from "oauth4webapi";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { needsRefresh, refreshSession } from "@/lib/auth/core/session/refresh";
import { recordSignIn } from "@/lib/auth/core/session/sign-in";
import { uniauthClaimsSchema } from "@/lib/auth/core/uniauth/claims";
import { db } from "@/lib/db";
import { localUniAuth } from "../support/uniauth";
import { grantFromLocalUniAuth } from "../support/uniauth-grant";

afterAll(() => db.$disconnect());
afterEach(() => localUniAuth.setTokenEndpointStatus(null));

const minute = 60_000;
const rowOf = (id: string) => db.session.findUniqueOrThrow({ where: { id } });
const tokenCalls = async (since: number) => (await localUniAuth.events(since)).filter((event) => event.type === "token");
// feature:audit-trail begin
const backOffs = async (sessionId: string) =>
  (await db.authEvent.findMany({ where: { sessionId, kind: "refresh.backed_off" }, orderBy: { id: "asc" } })).map((event) => event.detail);
// feature:audit-trail end

/** A real sign-in of Mia at the local UniAuth, recorded by the app, with roles read three days ago (due). */
async function dueMemberSession() {
  const grant = await grantFromLocalUniAuth("member");
  const claims = uniauthClaimsSchema.parse(oauth.getValidatedIdTokenClaims(grant));
  const session = await recordSignIn({ claims, tokens: { ...grant, expires_at: Math.floor(Date.now() / 1000) + 3600 }, userAgent: "refresh test" });
  await db.session.update({ where: { id: session.id }, data: { rolesReadAt: new Date(Date.now() - 3 * 24 * 60 * minute) } });
  return session;
}

describe("refreshSession: the lease and the back-off", () => {
  it("a failed refresh gives the lease back and backs off in refreshRetryAt: no refresh before it, doubling, cleared by a success", async () => {
    const session = await dueMemberSession();
    await localUniAuth.setTokenEndpointStatus(503);
    const since = Date.now();
    expect(await refreshSession(await rowOf(session.id))).toBe("skipped");
    const backingOff = await rowOf(session.id);
    expect(backingOff).toMatchObject({ refreshLeaseUntil: null, refreshFailures: 1 });
    expect(backingOff.refreshRetryAt!.getTime()).toBeGreaterThan(Date.now() + 0.9 * minute);
    expect(await backOffs(session.id)).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^503 /), delayMs: minute })]); // feature:audit-trail

    // Due, but backing off: the row says no refresh, and one asked for all the same makes no call.
    expect(needsRefresh(backingOff, false)).toBe(false);
    expect(await refreshSession(backingOff)).toBe("skipped");
    expect(await tokenCalls(since)).toHaveLength(1);

    // Once it has run out, a refresh is tried again; failing again, it waits twice as long.
    await db.session.update({ where: { id: session.id }, data: { refreshRetryAt: new Date(Date.now() - 1000) } });
    expect(needsRefresh(await rowOf(session.id), false)).toBe(true);
    expect(await refreshSession(await rowOf(session.id))).toBe("skipped");
    expect(await rowOf(session.id)).toMatchObject({ refreshLeaseUntil: null, refreshFailures: 2 });
    expect((await backOffs(session.id))[1]).toMatchObject({ delayMs: 2 * minute }); // feature:audit-trail

    await localUniAuth.setTokenEndpointStatus(null);
    await db.session.update({ where: { id: session.id }, data: { refreshRetryAt: new Date(Date.now() - 1000) } });
    expect(await refreshSession(await rowOf(session.id))).toBe("refreshed");
    const refreshed = await rowOf(session.id);
    expect(refreshed).toMatchObject({ refreshLeaseUntil: null, refreshRetryAt: null, refreshFailures: 0 });
    expect(refreshed.rolesReadAt.getTime()).toBeGreaterThan(Date.now() - minute);
  });

  it("while another request holds the lease, none is tried and the lease is left alone", async () => {
    const session = await dueMemberSession();
    const held = new Date(Date.now() + 20_000);
    await db.session.update({ where: { id: session.id }, data: { refreshLeaseUntil: held } });
    const since = Date.now();
    expect(needsRefresh(await rowOf(session.id), false)).toBe(false);
    expect(await refreshSession(await rowOf(session.id))).toBe("skipped");
    expect(await tokenCalls(since)).toEqual([]);
    expect(await rowOf(session.id)).toMatchObject({ refreshLeaseUntil: held, refreshRetryAt: null, refreshFailures: 0 });
  });
});
