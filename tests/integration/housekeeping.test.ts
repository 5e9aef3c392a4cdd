import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { GET as frontChannelLogout } from "@/app/api/auth/frontchannel-logout/route"; // feature:frontchannel-logout
import { GET as prune } from "@/app/api/cron/prune/route";
import { recordSignIn } from "@/lib/auth/core/session/sign-in";
import { db } from "@/lib/db";
import { testEnv } from "../support/env";
import { importWithEnv } from "../support/fresh-import"; // feature:frontchannel-logout

afterAll(() => db.$disconnect());

async function sessionWithSid(sid: string) {
  const sub = randomBytes(32).toString("hex");
  return recordSignIn({ claims: { sub, email: `${sub.slice(0, 10)}@example.com`, email_verified: true, groups: [], sid }, tokens: {}, userAgent: null });
}
const exists = async (id: string) => (await db.session.count({ where: { id } })) === 1;

// feature:frontchannel-logout begin
describe("front-channel logout", () => {
  const call = (query: Record<string, string>) =>
    frontChannelLogout(new Request(`http://localhost/api/auth/frontchannel-logout?${new URLSearchParams(query)}`));

  it("ends the sessions with that sid when iss is UniAuth's, and only UniAuth may frame it", async () => {
    const session = await sessionWithSid("fc-sid-1");
    const other = await sessionWithSid("fc-sid-2");
    const response = await call({ iss: testEnv("UNIAUTH_ISSUER"), sid: "fc-sid-1" });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-security-policy")).toBe(`frame-ancestors ${new URL(testEnv("UNIAUTH_ISSUER")).origin}`);
    expect(await exists(session.id)).toBe(false);
    expect(await exists(other.id)).toBe(true);
  });

  it("is off (404, nothing deleted) unless UNIAUTH_FRONTCHANNEL_LOGOUT=true", async () => {
    const session = await sessionWithSid("fc-sid-off");
    const { GET } = await importWithEnv(() => import("@/app/api/auth/frontchannel-logout/route"), { UNIAUTH_FRONTCHANNEL_LOGOUT: "false" });
    const response = await GET(new Request(`http://localhost/api/auth/frontchannel-logout?iss=${testEnv("UNIAUTH_ISSUER")}&sid=fc-sid-off`));
    expect(response.status).toBe(404);
    expect(await exists(session.id)).toBe(true);
  });

  it.each([
    ["another issuer", { iss: "https://evil.example", sid: "fc-sid-3" }],
    ["no iss", { sid: "fc-sid-3" }],
    ["no sid", { iss: "ISSUER" }],
  ])("deletes nothing for %s", async (_name, query) => {
    const session = await sessionWithSid("fc-sid-3");
    const response = await call(Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v === "ISSUER" ? testEnv("UNIAUTH_ISSUER") : v])));
    expect(response.status).toBe(400);
    expect(await exists(session.id)).toBe(true);
    await db.session.delete({ where: { id: session.id } });
  });
});
// feature:frontchannel-logout end

describe("the prune route", () => {
  const call = (authorization?: string) =>
    prune(new Request("http://localhost/api/cron/prune", { headers: authorization ? { authorization } : {} }));

  it("refuses callers without the cron secret", async () => {
    expect((await call()).status).toBe(401);
    expect((await call("Bearer wrong")).status).toBe(401);
    expect((await call(testEnv("CRON_SECRET"))).status).toBe(401);
  });

  it("deletes expired sessions and logout-token ids, and nothing live", async () => {
    const live = await sessionWithSid("live");
    const expired = await sessionWithSid("expired");
    await db.session.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await db.logoutTokenJti.createMany({
      data: [
        { issuer: "i", jti: `old-${expired.id}`, expiresAt: new Date(Date.now() - 1000) },
        { issuer: "i", jti: `new-${expired.id}`, expiresAt: new Date(Date.now() + 60_000) },
      ],
    });

    const response = await call(`Bearer ${testEnv("CRON_SECRET")}`);
    expect(response.status).toBe(200);
    const { pruned } = await response.json();
    expect(pruned.sessions).toBeGreaterThanOrEqual(1);
    expect(pruned.logoutTokenIds).toBeGreaterThanOrEqual(1);
    expect(await exists(expired.id)).toBe(false);
    expect(await exists(live.id)).toBe(true);
    expect(await db.logoutTokenJti.count({ where: { jti: { in: [`old-${expired.id}`, `new-${expired.id}`] } } })).toBe(1);
  });

  // feature:audit-trail begin
  it("deletes audit events older than AUDIT_RETENTION_DAYS (90 by default), and no newer one", async () => {
    const day = 24 * 60 * 60 * 1000;
    const marker = randomBytes(8).toString("hex");
    const event = (daysAgo: number) => ({ kind: "signout", sessionId: `${marker}-${daysAgo}`, at: new Date(Date.now() - daysAgo * day) });
    await db.authEvent.createMany({ data: [event(91), event(89), event(0)] });

    const response = await call(`Bearer ${testEnv("CRON_SECRET")}`);
    expect((await response.json()).pruned.authEvents).toBeGreaterThanOrEqual(1);
    const left = await db.authEvent.findMany({ where: { sessionId: { startsWith: marker } }, select: { sessionId: true } });
    expect(left.map((row) => row.sessionId).sort()).toEqual([`${marker}-0`, `${marker}-89`]);
  });
  // feature:audit-trail end
});
