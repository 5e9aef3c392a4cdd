import * as oauth from "oauth4webapi";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { uniauthClaimsSchema } from "@/lib/auth/core/uniauth/claims";
import { recordSignIn } from "@/lib/auth/core/session/sign-in";
import type { Admission, Refusal, SignInCaller, BudgetCall } from "@/lib/auth/features/token-budget/token-budget";
import { db } from "@/lib/db";
import { importWithEnv } from "../support/fresh-import";
import { localUniAuth } from "../support/uniauth";
import { grantFromLocalUniAuth } from "../support/uniauth-grant";

// The app's share of UniAuth's rate limit (lib/auth/features/token-budget), against the test database: each `instance()` is the
// budget's modules imported anew with their own database pool, as another server instance would have them.

// Six calls a window: two for refreshes, two for known devices, two in the open pool.
const SMALL = {
  UNIAUTH_TOKEN_LIMIT: "6",
  UNIAUTH_REFRESH_SHARE: "2",
  UNIAUTH_KNOWN_DEVICE_SHARE: "2",
  UNIAUTH_RATE_WINDOW_SECONDS: "600",
  SIGNINS_PER_DEVICE: "3",
  SIGNINS_PER_USER: "5",
  SIGNIN_FAILURES_PER_ADDRESS: "3",
  ROLES_MAX_AGE_SECONDS: "3600",
  MEMBER_ROLES_MAX_AGE_SECONDS: "7200",
};
const instances: { db: typeof db }[] = [];

async function instance(overrides: Record<string, string> = {}) {
  const loaded = await importWithEnv(
    async () => ({
      budget: await import("@/lib/auth/features/token-budget/token-budget"),
      limits: await import("@/lib/auth/features/token-budget/sign-in-attempts"),
      accessToken: await import("@/lib/auth/core/session/access-token"),
      refresh: await import("@/lib/auth/core/session/refresh"),
      db: (await import("@/lib/db")).db,
    }),
    { ...SMALL, ...overrides },
  );
  instances.push(loaded);
  return loaded;
}

const clearBudget = () => db.$transaction([db.rateEvent.deleteMany(), db.ratePause.deleteMany()]);
const tokenCallsCounted = () => db.rateEvent.count({ where: { key: { startsWith: "uniauth:token:" } } });
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
const stranger = (address = "198.51.100.7"): SignInCaller => ({ device: null, address });
const device = (id: string, userId = `user-of-${id}`): SignInCaller => ({ device: { id, userId }, address: "198.51.100.7" });
const signIn = (caller: SignInCaller) => ({ for: "sign-in", caller }) as const;
/** A code exchange from start to end: taken from the budget, then settled as UniAuth answered. Its share, or why not. */
async function exchange(budget: { takeTokenCall: (call: BudgetCall) => Promise<Refusal | Admission>; settleExchange: (admission: Admission, codeRefused: boolean) => Promise<void> }, caller: SignInCaller, { codeRefused = false } = {}) {
  const taken = await budget.takeTokenCall(signIn(caller));
  if ("why" in taken) return taken.why;
  await budget.settleExchange(taken, codeRefused);
  return taken.share;
}

/** Sessions in use by kind, as /admin shows them. */
const inUse = async (budget: { tokenBudget(): Promise<{ sessions: { elevated: { inUse: number }; member: { inUse: number } } }> }) => {
  const { sessions } = await budget.tokenBudget();
  return { elevated: sessions.elevated.inUse, member: sessions.member.inUse };
};
/** Sessions other tests left are not in use (not seen for a day): they neither queue nor count here. */
const noOtherSessionInUse = () => db.session.updateMany({ data: { lastSeenAt: new Date(Date.now() - 86_400_000) } });

afterEach(clearBudget);
afterAll(async () => {
  await Promise.all(instances.map((loaded) => loaded.db.$disconnect()));
  await db.$disconnect();
});

// Each test makes dozens of locked transactions against a database that other suites share: seconds on a busy machine.
describe("the token budget's shares", { timeout: 30_000 }, () => {
  it("keeps refreshes, known devices and the open pool apart: strangers spending theirs take nothing from the others", async () => {
    await clearBudget();
    const { budget } = await instance();
    const session = await sessionInUse(new Date(), []);
    try {
      expect(await budget.takeTokenCall(signIn(stranger("198.51.100.1")))).toHaveProperty("share");
      expect(await budget.takeTokenCall(signIn(stranger("198.51.100.2")))).toHaveProperty("share");
      const spent = (await budget.takeTokenCall(signIn(stranger("198.51.100.3")))) as Refusal;
      expect(spent).toMatchObject({ why: "spent" });
      // The oldest call leaves the 10-minute window (and its 2 s margin) first: in just under that.
      expect(spent!.retryAfterMs).toBeGreaterThan(590_000);
      expect(spent!.retryAfterMs).toBeLessThanOrEqual(602_000);
      expect(await budget.signInsRefused(stranger("198.51.100.4"))).toMatchObject({ why: "spent" });

      expect(await budget.signInsRefused(device("a"))).toBeNull();
      expect(await budget.takeTokenCall(signIn(device("a")))).toHaveProperty("share");
      expect(await budget.takeTokenCall(signIn(device("b")))).toHaveProperty("share");
      // Its share spent and the open pool too: a known device waits like anyone else.
      expect(await budget.takeTokenCall(signIn(device("c")))).toMatchObject({ why: "spent" });

      expect(await budget.takeTokenCall({ for: "refresh", sessionId: session.id })).toMatchObject({ share: "refresh" });
      expect(await budget.takeTokenCall({ for: "refresh", sessionId: session.id })).toMatchObject({ share: "refresh" });
      expect(await budget.takeTokenCall({ for: "refresh", sessionId: session.id })).toMatchObject({ why: "spent" });

      expect(await tokenCallsCounted()).toBe(6);
      expect(await budget.tokenBudget()).toMatchObject({
        windowSeconds: 600,
        limit: 6,
        used: 6,
        pausedForSeconds: 0,
        shares: { refresh: { size: 2, used: 2 }, knownDevice: { size: 2, used: 2 }, openPool: { size: 2, used: 2 } },
      });
    } finally {
      await db.session.delete({ where: { id: session.id } });
    }
  });

  it("lets a known device use the open pool once the known-device share is spent, never the refresh share", async () => {
    await clearBudget();
    const { budget } = await instance();
    expect([await exchange(budget, device("a")), await exchange(budget, device("b")), await exchange(budget, device("c"))]).toEqual(["knownDevice", "knownDevice", "openPool"]);
    expect(await budget.tokenBudget()).toMatchObject({ shares: { refresh: { used: 0 }, knownDevice: { used: 2 }, openPool: { used: 1 } } });
    expect(await budget.takeTokenCall(signIn(stranger()))).toHaveProperty("share");
    expect(await budget.takeTokenCall(signIn(device("d")))).toMatchObject({ why: "spent" });
  });

  it("counts a known device past SIGNINS_PER_DEVICE, or a user's devices past SIGNINS_PER_USER, as unknown", async () => {
    await clearBudget();
    const { budget } = await instance({ UNIAUTH_TOKEN_LIMIT: "20", UNIAUTH_KNOWN_DEVICE_SHARE: "10", SIGNINS_PER_DEVICE: "1", SIGNINS_PER_USER: "2" });
    expect(await exchange(budget, device("a", "ada"))).toBe("knownDevice");
    expect(await exchange(budget, device("a", "ada"))).toBe("openPool");
    expect(await exchange(budget, device("b", "ada"))).toBe("knownDevice");
    expect(await exchange(budget, device("c", "ada"))).toBe("openPool");
    // Another user's device is not held back by Ada's.
    expect(await exchange(budget, device("d", "sam"))).toBe("knownDevice");
    expect((await budget.tokenBudget()).shares).toMatchObject({ knownDevice: { used: 3 }, openPool: { used: 2 } });
  });

  it("limits an unknown device's address by failed code exchanges, counted in advance and taken back on success", async () => {
    await clearBudget();
    const [first, second] = [await instance({ UNIAUTH_TOKEN_LIMIT: "12" }), await instance({ UNIAUTH_TOKEN_LIMIT: "12" })];
    const attacker = stranger("2001:db8:1:2::1");
    // Three at once from one address: each counts as a failure before UniAuth answers, so none slips past the limit.
    const admitted = await Promise.all([0, 1, 2].map((n) => (n % 2 ? first : second).budget.takeTokenCall(signIn(attacker))));
    expect(admitted.map((admission) => ("share" in admission ? admission.share : admission.why))).toEqual(["openPool", "openPool", "openPool"]);
    // The same /64.
    const limited = await first.budget.signInsRefused(stranger("2001:db8:1:2::99"));
    expect(limited).toMatchObject({ why: "limited" });
    expect(limited!.retryAfterMs).toBeGreaterThan(590_000);
    expect(await second.budget.takeTokenCall(signIn(attacker))).toMatchObject({ why: "limited" });
    // One of them was a real user's code after all: its failure is taken back, and the address has room again.
    await first.budget.settleExchange(admitted[0] as Admission, false);
    for (const other of admitted.slice(1)) await first.budget.settleExchange(other as Admission, true);
    expect(await first.budget.signInsRefused(attacker)).toBeNull();
    // Another address, and a known device at this one, are not held back.
    expect(await first.budget.signInsRefused(stranger("2001:db8:1:3::1"))).toBeNull();
    expect(await first.budget.takeTokenCall(signIn({ ...device("a"), address: attacker.address }))).toMatchObject({ share: "knownDevice" });
  });

  it("lets a known device fail one code exchange a window in its share: then it, and its user's other devices, count as unknown", async () => {
    await clearBudget();
    const { budget } = await instance({ UNIAUTH_TOKEN_LIMIT: "12", UNIAUTH_KNOWN_DEVICE_SHARE: "6" });
    expect(await exchange(budget, device("a", "ada"))).toBe("knownDevice");
    expect(await exchange(budget, device("a", "ada"))).toBe("knownDevice");
    expect(await exchange(budget, device("b", "ada"), { codeRefused: true })).toBe("knownDevice");
    // Ada's devices draw on the open pool now, where their failures count against their address.
    expect(await exchange(budget, device("a", "ada"), { codeRefused: true })).toBe("openPool");
    expect(await exchange(budget, device("c", "ada"))).toBe("openPool");
    expect(await db.rateEvent.count({ where: { key: { startsWith: "signin:failed:" } } })).toBe(1);
    // Sam's are not held back.
    expect(await exchange(budget, device("d", "sam"))).toBe("knownDevice");
  });

  it("is one budget for every instance: 20 calls at once from two instances, exactly the share goes through", async () => {
    await clearBudget();
    const [first, second] = [await instance(), await instance()];
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? first : second).budget.takeTokenCall(signIn(stranger(`198.51.100.${i}`)))));
    expect(outcomes.filter((outcome) => "share" in outcome)).toHaveLength(2);
    expect(outcomes.filter((outcome) => "why" in outcome && outcome.why === "spent")).toHaveLength(18);
    expect(await tokenCallsCounted()).toBe(2);
  });

  it("forgets a call once it leaves the window", async () => {
    await clearBudget();
    const { budget } = await instance({ UNIAUTH_RATE_WINDOW_SECONDS: "2" });
    for (let call = 0; call < 2; call++) expect(await budget.takeTokenCall(signIn(stranger()))).toHaveProperty("share");
    expect(await budget.takeTokenCall(signIn(stranger()))).toMatchObject({ why: "spent" });
    await expect.poll(() => budget.takeTokenCall(signIn(stranger())), { timeout: 10_000, interval: 250 }).toHaveProperty("share");
  });

  it("after UniAuth's 429 refuses every call, sign-ins included, until its Retry-After; a shorter one never shortens it", async () => {
    await clearBudget();
    const [first, second] = [await instance(), await instance()];
    await first.budget.pauseTokenCalls(60_000);
    await first.budget.pauseTokenCalls(1_000);
    const paused = (await second.budget.takeTokenCall(signIn(device("a")))) as Refusal;
    expect(paused).toMatchObject({ why: "paused" });
    expect(paused!.retryAfterMs).toBeGreaterThan(55_000);
    expect(await second.budget.signInsRefused(stranger())).toMatchObject({ why: "paused" });
    expect(await second.budget.tokenBudget()).toMatchObject({ used: 0, pausedForSeconds: 60 });
    expect(await tokenCallsCounted()).toBe(0);
  });
});

describe("the refresh queue", { timeout: 30_000 }, () => {
  beforeEach(noOtherSessionInUse);

  it("puts staff and superusers first, then members, oldest roles first within each", async () => {
    await clearBudget();
    const { budget } = await instance();
    // Members due (older than 2 h) with the oldest roles of all, and one staff session only just due (over 1 h).
    const members = await Promise.all([5, 4, 3].map((hours) => sessionInUse(hoursAgo(hours), [])));
    const staff = await sessionInUse(hoursAgo(1.1), ["staff"]);
    const notDue = await sessionInUse(hoursAgo(1.5), []);
    try {
      // Two calls are left and three sessions are ahead of the youngest due member: it waits.
      expect(await budget.takeTokenCall({ for: "refresh", sessionId: members[2]!.id })).toMatchObject({ why: "queued" });
      // Behind the staff session, the oldest member is next.
      expect(await budget.takeTokenCall({ for: "refresh", sessionId: members[0]!.id })).toMatchObject({ share: "refresh" });
      // Nothing is ahead of a staff session, however overdue the members.
      await db.session.update({ where: { id: members[0]!.id }, data: { rolesReadAt: new Date() } });
      expect(await budget.takeTokenCall({ for: "refresh", sessionId: staff.id })).toMatchObject({ share: "refresh" });
      expect(await inUse(budget)).toEqual({ elevated: 1, member: 4 });
      expect(await budget.tokenBudget()).toMatchObject({
        sessions: { elevated: { roleAgeSeconds: 3600, oldestRoleAgeSeconds: expect.any(Number) }, member: { roleAgeSeconds: 7200 } },
      });
      expect((await budget.tokenBudget()).sessions.member.oldestRoleAgeSeconds).toBeGreaterThanOrEqual(4 * 3600);
      const { rolesDue } = await import("@/lib/auth/core/session/refresh");
      expect(rolesDue(hoursAgo(1.5), false)).toBe(false);
      expect(rolesDue(hoursAgo(1.5), true)).toBe(true);
    } finally {
      await db.session.deleteMany({ where: { id: { in: [...members, staff, notDue].map((session) => session.id) } } });
    }
  });

  it("leaves out a session another request is refreshing (its lease) and one backing off after a failure", async () => {
    const { budget } = await instance();
    const [leased, backingOff, free] = [await sessionInUse(hoursAgo(5), []), await sessionInUse(hoursAgo(4), []), await sessionInUse(hoursAgo(3), [])];
    await db.session.update({ where: { id: leased.id }, data: { refreshLeaseUntil: new Date(Date.now() + 20_000) } });
    await db.session.update({ where: { id: backingOff.id }, data: { refreshRetryAt: new Date(Date.now() + 60_000), refreshFailures: 1 } });
    try {
      expect(await budget.firstInQueue()).toBe(free.id);
      await db.session.update({ where: { id: backingOff.id }, data: { refreshRetryAt: new Date(Date.now() - 1000) } });
      expect(await budget.firstInQueue()).toBe(backingOff.id);
    } finally {
      await db.session.deleteMany({ where: { id: { in: [leased.id, backingOff.id, free.id] } } });
    }
  });

  it("says how many sessions of each kind the refresh share keeps within their role age", async () => {
    await clearBudget();
    // 2 calls per 600 s: 12 staff sessions an hour; members get what staff leave, over their 2 hours.
    const { budget } = await instance();
    const staff = await Promise.all([1, 2].map(() => sessionInUse(new Date(), ["staff"])));
    try {
      const { sessions } = await budget.tokenBudget();
      expect(sessions.elevated).toMatchObject({ inUse: 2, capacity: 12 });
      // (2 − 2 × 600 / 3600) calls a window × 12 windows in 2 h.
      expect(sessions.member.capacity).toBe(20);
    } finally {
      await db.session.deleteMany({ where: { id: { in: staff.map((session) => session.id) } } });
    }
  });

  it("spends a call a queued refresh could not take on the session first in the queue", async () => {
    await clearBudget();
    const { budget, refresh } = await instance({ UNIAUTH_REFRESH_SHARE: "1", UNIAUTH_KNOWN_DEVICE_SHARE: "1", UNIAUTH_TOKEN_LIMIT: "3" });
    const [oldest, browsing] = [await realSession(), await realSession()];
    await db.session.update({ where: { id: oldest.id }, data: { rolesReadAt: hoursAgo(5) } });
    await db.session.update({ where: { id: browsing.id }, data: { rolesReadAt: hoursAgo(3) } });
    try {
      // One call is left for refreshes, and the oldest session is not the one browsing: it gets the call.
      await refresh.refreshDue(await db.session.findUniqueOrThrow({ where: { id: browsing.id } }));
      const rolesRead = async (id: string) => (await db.session.findUniqueOrThrow({ where: { id } })).rolesReadAt.getTime();
      expect(await rolesRead(oldest.id)).toBeGreaterThan(Date.now() - 60_000);
      expect(await rolesRead(browsing.id)).toBeLessThan(hoursAgo(2).getTime());
      expect(await budget.tokenBudget()).toMatchObject({ shares: { refresh: { used: 1 } } });
    } finally {
      await db.session.deleteMany({ where: { id: { in: [oldest.id, browsing.id] } } });
    }
  });
});

describe("a demotion at UniAuth while hundreds of members are due", { timeout: 60_000 }, () => {
  beforeEach(noOtherSessionInUse);

  it("the staff session refreshes first, with the one call left: the user loses staff rights within the staff role age", async () => {
    await clearBudget();
    const { budget, refresh } = await instance({ UNIAUTH_TOKEN_LIMIT: "3", UNIAUTH_REFRESH_SHARE: "1", UNIAUTH_KNOWN_DEVICE_SHARE: "1" });
    const staff = await realSession("staff");
    const member = await sessionInUse(new Date(), []);
    // 300 more sessions of that member, all due for days; the staff session only just (its role age is an hour).
    await db.session.createMany({
      data: Array.from({ length: 300 }, () => ({ userId: member.user.id, issuer: "http://example.test", expiresAt: new Date(Date.now() + 3_600_000), refreshToken: "r", rolesReadAt: hoursAgo(72) })),
    });
    await db.session.updateMany({ where: { userId: member.user.id }, data: { rolesReadAt: hoursAgo(72) } });
    await db.session.update({ where: { id: staff.id }, data: { rolesReadAt: hoursAgo(1.1) } });
    await localUniAuth.setGroups("staff", []);
    try {
      // A member's page view finds its roles due: its refresh waits behind the staff session, which gets the call.
      await refresh.refreshDue(await db.session.findUniqueOrThrow({ where: { id: member.id } }));
      expect(await db.user.findUniqueOrThrow({ where: { id: staff.user.id }, select: { isStaff: true, groups: true } })).toEqual({ isStaff: false, groups: [] });
      expect((await db.session.findUniqueOrThrow({ where: { id: staff.id } })).rolesReadAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
      // The demoted user is a member now: 302 member sessions, no staff one.
      expect(await inUse(budget)).toEqual({ elevated: 0, member: 302 });
    } finally {
      await localUniAuth.setGroups("staff", ["staff"]);
      await db.session.deleteMany({ where: { userId: { in: [member.user.id, staff.user.id] } } });
    }
  });
});

describe("sign-in states", () => {
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
    const { accessToken } = await instance({ UNIAUTH_TOKEN_LIMIT: "3", UNIAUTH_REFRESH_SHARE: "1", UNIAUTH_KNOWN_DEVICE_SHARE: "1" });
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

/** A real sign-in at the local UniAuth (Mia's unless said), recorded by the app: a session whose refresh token UniAuth takes. */
async function realSession(user = "member") {
  const grant = await grantFromLocalUniAuth(user);
  const claims = uniauthClaimsSchema.parse(oauth.getValidatedIdTokenClaims(grant));
  const session = await recordSignIn({ claims, tokens: { ...grant, expires_at: Math.floor(Date.now() / 1000) + 3600 }, userAgent: null });
  return { ...session, grant };
}

/** A Session row in use (seen now) whose roles were read at `rolesReadAt`, with a refresh token (never used here). */
async function sessionInUse(rolesReadAt: Date, groups: string[]) {
  const unique = `${Date.now()}-${Math.random()}`;
  const session = await recordSignIn({
    claims: { sub: `sub-${unique}`, email: `budget-${unique}@example.com`, email_verified: true, groups },
    tokens: { refresh_token: "r", expires_at: Math.floor(Date.now() / 1000) + 3600 },
    userAgent: null,
  });
  await db.session.update({ where: { id: session.id }, data: { rolesReadAt } });
  return session;
}
