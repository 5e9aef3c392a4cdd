import * as oauth from "oauth4webapi";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { uniauthClaimsSchema } from "@/lib/auth/uniauth/claims";
import { recordSignIn } from "@/lib/auth/session/sign-in";
import { db } from "@/lib/db";
import { importWithEnv } from "../support/fresh-import";
import { localUniAuth } from "../support/uniauth";
import { grantFromLocalUniAuth } from "../support/uniauth-grant";

// The app's share of UniAuth's rate limit (lib/auth/budget), against the test database: each `instance()` is the
// budget's modules imported anew with their own database pool, as another server instance would have them.

const SMALL = { UNIAUTH_TOKEN_LIMIT: "5", UNIAUTH_SIGNIN_RESERVE: "2", UNIAUTH_RATE_WINDOW_SECONDS: "600", SIGNIN_ATTEMPTS_PER_IP: "3" };
const instances: { db: typeof db }[] = [];

async function instance(overrides: Record<string, string> = {}) {
  const loaded = await importWithEnv(
    async () => ({
      budget: await import("@/lib/auth/budget/token-budget"),
      limits: await import("@/lib/auth/budget/sign-in-attempts"),
      accessToken: await import("@/lib/auth/session/access-token"),
      refresh: await import("@/lib/auth/session/refresh"),
      db: (await import("@/lib/db")).db,
    }),
    { ...SMALL, ...overrides },
  );
  instances.push(loaded);
  return loaded;
}

const clearBudget = () => db.$transaction([db.rateEvent.deleteMany(), db.ratePause.deleteMany()]);
const tokenCallsCounted = () => db.rateEvent.count({ where: { key: "uniauth:token" } });
const longAgo = new Date(0);

afterEach(clearBudget);
afterAll(async () => {
  await Promise.all(instances.map((loaded) => loaded.db.$disconnect()));
  await db.$disconnect();
});

describe("the token budget", () => {
  it("lets refreshes stop where the sign-in reserve begins, sign-ins spend it to the limit, and nothing past it", async () => {
    await clearBudget();
    const { budget } = await instance();
    for (let call = 0; call < 3; call++) expect(await budget.takeTokenCall({ for: "refresh", rolesReadAt: longAgo })).toBeNull();
    expect(await budget.takeTokenCall({ for: "refresh", rolesReadAt: longAgo })).toMatchObject({ why: "reserved" });
    expect(await budget.signInsRefused()).toBeNull();
    expect(await budget.takeTokenCall({ for: "sign-in" })).toBeNull();
    expect(await budget.takeTokenCall({ for: "sign-in" })).toBeNull();
    const spent = await budget.takeTokenCall({ for: "sign-in" });
    expect(spent).toMatchObject({ why: "spent" });
    // The oldest call leaves the 10-minute window (and its 2 s margin) first: in just under that.
    expect(spent!.retryAfterMs).toBeGreaterThan(590_000);
    expect(spent!.retryAfterMs).toBeLessThanOrEqual(602_000);
    expect(await budget.signInsRefused()).toMatchObject({ why: "spent" });
    expect(await tokenCallsCounted()).toBe(5);
    expect(await budget.tokenBudget()).toMatchObject({ windowSeconds: 600, limit: 5, signInReserve: 2, used: 5, pausedForSeconds: 0 });
  });

  it("is one budget for every instance: 20 calls at once from two instances, exactly the limit goes through", async () => {
    await clearBudget();
    const [first, second] = [await instance(), await instance()];
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? first : second).budget.takeTokenCall({ for: "sign-in" })));
    expect(outcomes.filter((outcome) => outcome === null)).toHaveLength(5);
    expect(outcomes.filter((outcome) => outcome?.why === "spent")).toHaveLength(15);
    expect(await tokenCallsCounted()).toBe(5);
  });

  it("forgets a call once it leaves the window", async () => {
    await clearBudget();
    const { budget } = await instance({ UNIAUTH_RATE_WINDOW_SECONDS: "2" });
    for (let call = 0; call < 5; call++) expect(await budget.takeTokenCall({ for: "sign-in" })).toBeNull();
    expect(await budget.takeTokenCall({ for: "sign-in" })).toMatchObject({ why: "spent" });
    await expect.poll(() => budget.takeTokenCall({ for: "sign-in" }), { timeout: 10_000, interval: 250 }).toBeNull();
  });

  it("gives the few calls left to the sessions whose roles are oldest", async () => {
    await clearBudget();
    const { budget } = await instance();
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
    const sessions = await Promise.all([3, 4, 5].map((hours) => sessionInUse(hoursAgo(hours))));
    try {
      // Three calls are left for refreshes and three sessions in use have older roles than this one: it waits.
      expect(await budget.takeTokenCall({ for: "refresh", rolesReadAt: hoursAgo(2) })).toMatchObject({ why: "queued" });
      // The oldest goes first; then the next oldest.
      expect(await budget.takeTokenCall({ for: "refresh", rolesReadAt: new Date(hoursAgo(5).getTime() - 1000) })).toBeNull();
      await db.session.update({ where: { id: sessions[2]!.id }, data: { tokensRefreshedAt: new Date() } });
      expect(await budget.takeTokenCall({ for: "refresh", rolesReadAt: new Date(hoursAgo(4).getTime() - 1000) })).toBeNull();
    } finally {
      await db.session.deleteMany({ where: { id: { in: sessions.map((session) => session.id) } } });
    }
  });

  it("spends a call a queued refresh could not take on the session whose roles are oldest", async () => {
    await clearBudget();
    const { budget, refresh } = await instance({ UNIAUTH_TOKEN_LIMIT: "3", UNIAUTH_SIGNIN_RESERVE: "1" });
    expect(await budget.takeTokenCall({ for: "sign-in" })).toBeNull();
    const [oldest, browsing] = [await realSession(), await realSession()];
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
    await db.session.update({ where: { id: oldest.id }, data: { tokensRefreshedAt: hoursAgo(5) } });
    await db.session.update({ where: { id: browsing.id }, data: { tokensRefreshedAt: hoursAgo(3) } });
    try {
      // One call is left for refreshes, and the oldest session is not the one browsing: it gets the call.
      await refresh.refreshDue(await db.session.findUniqueOrThrow({ where: { id: browsing.id } }));
      const rolesRead = async (id: string) => (await db.session.findUniqueOrThrow({ where: { id } })).tokensRefreshedAt.getTime();
      expect(await rolesRead(oldest.id)).toBeGreaterThan(Date.now() - 60_000);
      expect(await rolesRead(browsing.id)).toBeLessThan(hoursAgo(2).getTime());
    } finally {
      await db.session.deleteMany({ where: { id: { in: [oldest.id, browsing.id] } } });
    }
  });

  it("after UniAuth's 429 refuses every call, sign-ins included, until its Retry-After; a shorter one never shortens it", async () => {
    await clearBudget();
    const [first, second] = [await instance(), await instance()];
    await first.budget.pauseTokenCalls(60_000);
    await first.budget.pauseTokenCalls(1_000);
    const paused = await second.budget.takeTokenCall({ for: "sign-in" });
    expect(paused).toMatchObject({ why: "paused" });
    expect(paused!.retryAfterMs).toBeGreaterThan(55_000);
    expect(await second.budget.signInsRefused()).toMatchObject({ why: "paused" });
    expect(await second.budget.tokenBudget()).toMatchObject({ used: 0, pausedForSeconds: 60 });
    expect(await tokenCallsCounted()).toBe(0);
  });
});

describe("sign-in limits", () => {
  it("counts sign-in starts and callbacks per client IP, each on its own, across instances", async () => {
    const [first, second] = [await instance(), await instance()];
    const [ip, other] = [`198.51.100.${Math.floor(Math.random() * 250)}`, "2001:db8::7"];
    for (let n = 0; n < 3; n++) expect(await (n % 2 ? first : second).limits.admitSignInStep("callback", ip)).toBeNull();
    const refused = await first.limits.admitSignInStep("callback", ip);
    expect(refused!.retryAfterMs).toBeGreaterThan(590_000);
    expect(await second.limits.admitSignInStep("callback", ip)).not.toBeNull();
    expect(await first.limits.admitSignInStep("start", ip)).toBeNull();
    expect(await first.limits.admitSignInStep("callback", other)).toBeNull();
  });

  it("takes each callback state once, on every instance", async () => {
    const [first, second] = [await instance(), await instance()];
    const state = oauth.generateRandomState();
    expect(await first.limits.firstUseOfState(state)).toBe(true);
    expect(await second.limits.firstUseOfState(state)).toBe(false);
    expect(await first.limits.firstUseOfState(state)).toBe(false);
    expect(await second.limits.firstUseOfState(oauth.generateRandomState())).toBe(true);
    const stored = await db.usedSignInState.findMany({ where: { stateHash: { contains: state } } });
    expect(stored).toEqual([]);
  });
});

describe("getAccessToken", () => {
  it("hands over the stored access token while fresh, refreshes it once expired, and says 503 when the budget has none", async () => {
    await clearBudget();
    const { grant, ...session } = await realSession();
    const { accessToken } = await instance({ UNIAUTH_TOKEN_LIMIT: "1", UNIAUTH_SIGNIN_RESERVE: "0" });
    const expire = () => db.session.update({ where: { id: session.id }, data: { accessTokenExpiresAt: new Date(Date.now() - 1000) } });
    const tokenCalls = async (since: number) => (await localUniAuth.events(since)).filter((event) => event.type === "token").length;

    let since = Date.now();
    expect(await accessToken.accessTokenOf(session.id)).toBe(grant.access_token);
    expect(await tokenCalls(since)).toBe(0);

    await expire();
    since = Date.now();
    const refreshed = await accessToken.accessTokenOf(session.id);
    expect(refreshed).toEqual(expect.any(String));
    expect(refreshed).not.toBe(grant.access_token);
    expect(await tokenCalls(since)).toBe(1);

    await expire();
    since = Date.now();
    const busy = await accessToken.accessTokenOf(session.id).catch((error: unknown) => error);
    // An AppError of the fresh import's own lib/errors.
    expect(busy).toMatchObject({ name: "AppError", code: "service_unavailable", status: 503 });
    expect(await tokenCalls(since)).toBe(0);

    await db.session.delete({ where: { id: session.id } });
    expect(await accessToken.accessTokenOf(session.id)).toBeNull();
  });
});

/** A real sign-in of Mia at the local UniAuth, recorded by the app: a session whose refresh token UniAuth takes. */
async function realSession() {
  const grant = await grantFromLocalUniAuth("member");
  const claims = uniauthClaimsSchema.parse(oauth.getValidatedIdTokenClaims(grant));
  const session = await recordSignIn({ claims, tokens: { ...grant, expires_at: Math.floor(Date.now() / 1000) + 3600 }, userAgent: null });
  return { ...session, grant };
}

/** A Session row in use (seen now) whose roles were read at `rolesReadAt`, with a refresh token (never used here). */
async function sessionInUse(rolesReadAt: Date) {
  const unique = `${Date.now()}-${Math.random()}`;
  const session = await recordSignIn({
    claims: { sub: `sub-${unique}`, email: `budget-${unique}@example.com`, email_verified: true, groups: [] },
    tokens: { refresh_token: "r", expires_at: Math.floor(Date.now() / 1000) + 3600 },
    userAgent: null,
  });
  await db.session.update({ where: { id: session.id }, data: { tokensRefreshedAt: rolesReadAt } });
  return session;
}
