import { randomUUID } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { isIP } from "node:net";
import type { Page } from "@playwright/test";
import type pg from "pg";
import { TEST_RESULTS } from "../support/test-results";
import { localUniAuth } from "../support/uniauth";
import { SEEDED, type SeededUser, attemptSignIn, endAllSessions, expect, pickAtUniAuth, sessionsOf, signInAs, startInstance, test, trailMark, trailSince } from "./fixtures";

// UniAuth limits token calls per client IP: the app keeps one budget for all its instances in Postgres (RateEvent rows
// under 'uniauth:token'), keeps a reserve of it for sign-ins, and stops every instance when UniAuth says 429. The main
// server runs with limits no journey reaches (scripts/test.ts); these tests start instances with small ones. Every
// instance shares the database, so each test starts and ends with an empty window.

const PORT = Number(process.env.E2E_PORT ?? 3100);
const [MIA, SAM, ADA] = ["mia@example.com", "sam@example.com", "ada@example.com"];

/**
 * Another `next start` on PORT + n, signing in on its own origin: n = 2 or 3, redirect URIs the stand-in knows (PORT + 1
 * is the worker's second instance, with the main server's limits, which instances.spec.ts keeps running).
 */
const instance = (n: 2 | 3, env: Record<string, string> = {}) => startInstance(PORT + n, { AUTH_URL: `http://localhost:${PORT + n}`, ...env });

async function clearBudget(db: pg.Pool) {
  await db.query(`delete from "RateEvent"`);
  await db.query(`delete from "RatePause"`);
}

test.beforeEach(async ({ db }) => clearBudget(db));
test.afterEach(async ({ db }) => clearBudget(db));

/** The token calls the budget counted (every instance's), in the window. */
const countedTokenCalls = async (db: pg.Pool) =>
  (await db.query<{ n: number }>(`select count(*)::int as n from "RateEvent" where key = 'uniauth:token'`)).rows[0]!.n;

/** The token calls the stand-in saw since `since`. */
const tokenCalls = async (since: number) => (await localUniAuth.events(since)).filter((event) => event.type === "token");
const refreshGrants = async (since: number) => (await tokenCalls(since)).filter((event) => event.detail.grant_type === "refresh_token");

/** Makes the user's roles `age` old (Prisma keeps UTC timestamps). */
async function ageRoles(db: pg.Pool, emails: string[], age: string) {
  await db.query(
    `update "Session" set "tokensRefreshedAt" = (now() at time zone 'utc') - $2::interval
     where "userId" in (select id from "User" where email = any($1))`,
    [emails, age],
  );
}

/** The refresh state of the user's one session, compared in the database's own (UTC) clock. */
async function refreshState(db: pg.Pool, email: string) {
  const { rows } = await db.query<{ rolesReadAt: string; leased: boolean; fresh: boolean; failures: number }>(
    `select s."tokensRefreshedAt"::text as "rolesReadAt", coalesce(s."refreshLeaseUntil" > (now() at time zone 'utc'), false) as leased,
            s."tokensRefreshedAt" > (now() at time zone 'utc') - interval '1 minute' as fresh, s."refreshFailures" as failures
     from "Session" s join "User" u on u.id = s."userId" where u.email = $1`,
    [email],
  );
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

/** The reasons of the `signin.refused` rows in the audit trail since `mark`. */
const refusals = async (db: pg.Pool, mark: string) =>
  (await trailSince(db, mark)).filter((row) => row.kind === "signin.refused").map((row) => row.detail.reason);

async function signInAt(page: Page, origin: string, user: SeededUser) {
  await page.goto(`${origin}/signin`);
  await signInAs(page, user);
  // Nothing more from this browser until the test asks: no request may make its roles due behind the test's back.
  await page.goto("about:blank");
}

async function clickSignIn(page: Page, origin: string) {
  await page.goto(`${origin}/signin`);
  await page.getByRole("button", { name: "Sign in with UniAuth" }).click();
}

/** The browser is on the busy or limit page: reloaded, it answers `status` with the Retry-After its URL names. */
async function expectRefusalPage(page: Page, error: "UniAuthBusy" | "TooManyAttempts", status: number): Promise<number> {
  await expect(page).toHaveURL(new RegExp(`/auth/error\\?error=${error}&retryAfter=\\d+$`));
  const retryAfter = Number(new URL(page.url()).searchParams.get("retryAfter"));
  const reloaded = await page.reload();
  expect(reloaded?.status()).toBe(status);
  expect(reloaded?.headers()["retry-after"]).toBe(String(retryAfter));
  return retryAfter;
}

/** A sign-in start goes straight to the busy page (503), without a call to UniAuth's authorize or token endpoint. */
async function expectBusyAtClick(page: Page, origin: string) {
  await page.goto(`${origin}/signin`);
  const clickedAt = Date.now();
  await page.getByRole("button", { name: "Sign in with UniAuth" }).click();
  await expectRefusalPage(page, "UniAuthBusy", 503);
  await expect(page.getByRole("heading", { name: "UniAuth is busy right now" })).toBeVisible();
  expect((await localUniAuth.events(clickedAt)).filter((event) => event.type === "authorize" || event.type === "token")).toEqual([]);
}

/** The reasons of the `refresh.deferred` lines every instance printed since `offset` (bytes into the shared log). */
const deferralsLoggedSince = async (offset: number) =>
  (await readFile(TEST_RESULTS.serverLog))
    .subarray(offset)
    .toString("utf8")
    .split("\n")
    .filter((line) => line.includes('"refresh.deferred"'))
    // Next prints console.warn dimmed: the JSON sits between ANSI codes.
    .map((line) => JSON.parse(/\{.*\}/.exec(line)![0]).why);

test("two instances share one token budget, and refreshes never eat the sign-ins' reserve", async ({ newBrowser, db }) => {
  test.setTimeout(300_000);
  const limits = { UNIAUTH_TOKEN_LIMIT: "4", UNIAUTH_SIGNIN_RESERVE: "2", UNIAUTH_RATE_WINDOW_SECONDS: "600", ROLES_MAX_AGE_SECONDS: "10" };
  const started: Awaited<ReturnType<typeof instance>>[] = [];
  try {
    for (const n of [2, 3] as const) started.push(await instance(n, limits));
    const [a, b] = started as [(typeof started)[0], (typeof started)[0]];
    for (const email of [MIA, SAM, ADA]) await endAllSessions(db, email);
    const since = Date.now();
    const logOffset = (await stat(TEST_RESULTS.serverLog)).size;

    const [onA, onB] = [await newBrowser(), await newBrowser()];
    await signInAt(onA, a.origin, "member");
    await signInAt(onB, b.origin, "staff");
    expect(await countedTokenCalls(db)).toBe(2);

    await test.step("roles due on both: each page renders, and neither refresh may take the reserve", async () => {
      await ageRoles(db, [MIA, SAM], "1 hour");
      const before = [await refreshState(db, MIA), await refreshState(db, SAM)];
      for (const [page, origin, user] of [[onA, a.origin, "member"], [onB, b.origin, "staff"]] as const) {
        await page.goto(`${origin}/dashboard`);
        await expect(page.getByRole("heading", { name: `Welcome, ${SEEDED[user]}` })).toBeVisible();
      }
      // Each instance logs its first deferral at once. Each made one of the two calls: counting only its own, it would
      // see room for one refresh (4 - 2 reserved - 1); it defers because it counts the other's call too.
      await expect.poll(() => deferralsLoggedSince(logOffset), { timeout: 20_000 }).toEqual(["reserved", "reserved"]);
      expect(await refreshGrants(since)).toEqual([]);
      expect(await countedTokenCalls(db)).toBe(2);
      expect([await refreshState(db, MIA), await refreshState(db, SAM)]).toEqual(before);
    });

    await test.step("sign-ins spend the reserve (a third on A, a fourth on B); then a fifth start meets the busy page", async () => {
      await signInAt(await newBrowser(), a.origin, "admin");
      expect(await countedTokenCalls(db)).toBe(3);
      await signInAt(await newBrowser(), b.origin, "member");
      expect(await countedTokenCalls(db)).toBe(4);
      await expectBusyAtClick(await newBrowser(), a.origin);
    });

    const calls = await tokenCalls(since);
    expect(calls.map((call) => call.detail)).toEqual(Array(4).fill({ status: 200, grant_type: "authorization_code" }));
    expect(await countedTokenCalls(db)).toBe(calls.length);
  } finally {
    for (const app of started) await app.stop();
  }
});

test("a 429 from UniAuth pauses token calls on every instance: sign-ins land on the busy page", async ({ page, newBrowser, db }) => {
  test.setTimeout(180_000);
  const b = await instance(3);
  try {
    await endAllSessions(db, MIA);
    const mark = await trailMark(db);
    const since = Date.now();
    // UniAuth's own per-IP limit, as it answers it: 429 with Retry-After until its window frees (600 s here). (The
    // stand-in's /dev/token-endpoint-status 429 says Retry-After: 2, too short to reach the second instance in time.)
    await localUniAuth.setRateLimits({ enabled: true, windowSeconds: 600, limits: { token: 0 } });

    await test.step("the code exchange on the first instance meets the 429: the busy page, nothing written", async () => {
      await attemptSignIn(page, "member");
      const retryAfter = await expectRefusalPage(page, "UniAuthBusy", 503);
      expect(retryAfter).toBeGreaterThan(500);
      expect(retryAfter).toBeLessThanOrEqual(600);
      await expect(page.getByRole("heading", { name: "UniAuth is busy right now" })).toBeVisible();
      expect(await sessionsOf(db, MIA)).toEqual([]);
      expect((await tokenCalls(since)).map((call) => call.detail)).toEqual([{ status: 429, rateLimited: true }]);
      await expect.poll(() => refusals(db, mark)).toEqual(["UniAuthBusy"]);
      const { rows } = await db.query(`select until > (now() at time zone 'utc') + interval '500 seconds' as long from "RatePause" where key = 'uniauth:token'`);
      expect(rows).toEqual([{ long: true }]);
    });
    // A sign-in start on the second instance goes straight to the busy page.
    await test.step("the second instance is paused too", async () => expectBusyAtClick(await newBrowser(), b.origin));
  } finally {
    await localUniAuth.reset();
    await clearBudget(db);
    await b.stop();
  }
});

test("a page whose roles are due renders while UniAuth hangs; the refresh completes after the response", async ({ page, db }) => {
  test.setTimeout(90_000);
  await endAllSessions(db, MIA);
  await signInAt(page, "", "member");
  await localUniAuth.setTokenEndpointDelay(10_000);
  try {
    await ageRoles(db, [MIA], "1 hour");
    const before = await refreshState(db, MIA);
    const since = Date.now();
    const response = await page.request.get("/dashboard", { maxRedirects: 0 });
    const answeredAt = Date.now();
    expect(response.status()).toBe(200);
    expect(await response.text()).toContain("Session started");
    // The page was out before UniAuth answered the refresh: no grant completed, the roles' time is unchanged.
    expect(await refreshGrants(since)).toEqual([]);
    expect((await refreshState(db, MIA)).rolesReadAt).toBe(before.rolesReadAt);

    // The refresh is under way after the response (its lease is live), then completes.
    await expect.poll(async () => (await refreshState(db, MIA)).leased).toBe(true);
    expect((await refreshState(db, MIA)).fresh).toBe(false);
    await expect.poll(async () => (await refreshState(db, MIA)).fresh, { timeout: 30_000 }).toBe(true);
    const grants = await refreshGrants(since);
    expect(grants.map((grant) => grant.detail)).toEqual([{ status: 200, grant_type: "refresh_token" }]);
    expect(grants[0]!.at).toBeGreaterThan(answeredAt);
  } finally {
    await localUniAuth.setTokenEndpointDelay(0);
  }
});

test("an admin revoked at UniAuth while refreshes fail loses /admin once the rights are older than their limit", async ({ page, db }) => {
  test.setTimeout(90_000);
  await endAllSessions(db, ADA);
  await signInAs(page, "admin");
  expect((await page.goto("/admin"))?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "All users" })).toBeVisible();

  // UniAuth takes the admin's groups away, and its token endpoint fails: no refresh can bring the news.
  await localUniAuth.setGroups("admin", []);
  await localUniAuth.setTokenEndpointStatus(503);
  try {
    const since = Date.now();
    await test.step("roles 90 minutes old (due, within the 2 hours elevated rights last): /admin still opens", async () => {
      await ageRoles(db, [ADA], "90 minutes");
      expect((await page.goto("/admin"))?.status()).toBe(200);
      await expect(page.getByRole("heading", { name: "All users" })).toBeVisible();
      // The refresh after that page met the 503, and the session backs off.
      await expect.poll(async () => (await tokenCalls(since)).map((call) => call.detail.status)).toEqual([503]);
      await expect.poll(async () => (await refreshState(db, ADA)).failures).toBe(1);
    });

    await test.step("roles 3 hours old: /admin is refused, the dashboard still works as a member", async () => {
      await ageRoles(db, [ADA], "3 hours");
      expect((await page.goto("/admin"))?.status()).toBe(403);
      await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
      await page.goto("/dashboard");
      await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
      await expect(page.getByRole("banner").getByRole("link", { name: "Admin" })).toHaveCount(0);
    });
    // Not a re-read (none succeeded): the database still says superuser; the rights lapsed by age alone.
    const { rows } = await db.query(`select "isSuperuser" from "User" where email = $1`, [ADA]);
    expect(rows).toEqual([{ isSuperuser: true }]);
    expect(await tokenCalls(since)).toHaveLength(1);
  } finally {
    await localUniAuth.setGroups("admin", ["admin", "engineering"]);
    await localUniAuth.setTokenEndpointStatus(null);
    await endAllSessions(db, ADA);
  }
});

test("a replayed callback is refused before any token call, and signs no one in", async ({ page, db }) => {
  await endAllSessions(db, MIA);
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with UniAuth" }).click();
  const callback = page.waitForRequest((request) => new URL(request.url()).pathname === "/api/auth/callback/uniauth");
  await pickAtUniAuth(page, "member");
  const request = await callback;
  await expect(page.getByRole("heading", { name: "Welcome, Mia Member" })).toBeVisible();
  const sessions = (await sessionsOf(db, MIA)).map((session) => session.id);
  expect(sessions).toHaveLength(1);

  // The very request, with the cookies it carried: Auth.js's state and PKCE checks would pass, and it would exchange
  // the code again.
  const headers = await request.allHeaders();
  expect(headers.cookie).toMatch(/authjs\.state=.*authjs\.pkce|authjs\.pkce.*authjs\.state=/);
  const mark = await trailMark(db);
  const since = Date.now();
  const replay = await fetch(request.url(), {
    method: request.method(),
    headers: { cookie: headers.cookie!, ...(headers["content-type"] ? { "content-type": headers["content-type"] } : {}) },
    body: request.postData() ?? undefined,
    redirect: "manual",
  });
  expect(replay.status).toBe(303);
  expect(replay.headers.get("location")).toBe("/auth/error?error=SignInReplayed");
  expect(await tokenCalls(since)).toEqual([]);
  expect((await sessionsOf(db, MIA)).map((session) => session.id)).toEqual(sessions);
  expect(await refusals(db, mark)).toEqual(["SignInReplayed"]);
  await page.goto(replay.headers.get("location")!);
  await expect(page.getByRole("heading", { name: "This sign-in was already used" })).toBeVisible();
});

test("sign-in callbacks and sign-in starts are capped per client IP", async ({ page, db }) => {
  test.setTimeout(150_000);
  const app = await instance(2, { SIGNIN_ATTEMPTS_PER_IP: "3" });
  try {
    const mark = await trailMark(db);
    const since = Date.now();

    await test.step("anonymous callbacks: Auth.js refuses three itself, the fourth is over the limit (429)", async () => {
      const callback = () => page.request.get(`${app.origin}/api/auth/callback/uniauth?code=x&state=${randomUUID()}`, { maxRedirects: 0 });
      for (let i = 0; i < 3; i++) {
        const refused = await callback();
        expect(refused.status()).toBe(302);
        expect(refused.headers().location).toMatch(/\/auth\/error\?error=(?!TooManyAttempts)\w+/);
      }
      const over = await callback();
      expect(over.status()).toBe(303);
      const location = over.headers().location!;
      expect(location).toMatch(/^\/auth\/error\?error=TooManyAttempts&retryAfter=\d+$/);
      const limitPage = await page.request.get(`${app.origin}${location}`);
      expect(limitPage.status()).toBe(429);
      expect(limitPage.headers()["retry-after"]).toBe(new URL(location, app.origin).searchParams.get("retryAfter"));
      // Auth.js stops a callback without its state cookie before the code exchange: UniAuth was not asked.
      expect(await tokenCalls(since)).toEqual([]);
    });

    await test.step("sign-in starts: three clicks reach UniAuth, the fourth lands on the limit page", async () => {
      for (let i = 0; i < 3; i++) {
        await clickSignIn(page, app.origin);
        await expect(page.getByRole("button", { name: new RegExp(SEEDED.member) })).toBeVisible();
      }
      await clickSignIn(page, app.origin);
      await expectRefusalPage(page, "TooManyAttempts", 429);
      await expect(page.getByRole("heading", { name: "Too many sign-in attempts" })).toBeVisible();
    });
    await expect.poll(async () => (await refusals(db, mark)).filter((reason) => reason === "TooManyAttempts")).toHaveLength(2);
    // Counted per client address (an IPv4 address, or an IPv6 /64), not all clients under one key.
    const { rows } = await db.query<{ key: string }>(`select distinct key from "RateEvent" where key like 'signin-%' order by key`);
    expect(rows.map((row) => row.key.split(":")[0])).toEqual(["signin-callback", "signin-start"]);
    for (const { key } of rows) {
      const address = key.slice(key.indexOf(":") + 1);
      expect(isIP(address) === 4 || /^([\da-f]{4}:){4}:\/64$/.test(address), key).toBe(true);
    }
  } finally {
    await app.stop();
  }
});
