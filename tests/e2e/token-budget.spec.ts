import { randomUUID } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import type { APIRequestContext, Page } from "@playwright/test";
import type pg from "pg";
import { testEnv } from "../support/env";
import { localUniAuth } from "../support/uniauth";
import { SEEDED, type SeededUser, attemptSignIn, endAllSessions, expect, pickAtUniAuth, sessionsOf, signInAs, startInstance, test } from "./fixtures";
import { trailMark, trailSince } from "./fixtures"; // feature:audit-trail

// UniAuth limits token calls per client IP: the app keeps one budget for all its instances in Postgres (RateEvent rows
// under 'uniauth:token:<share>'), split between role refreshes, sign-ins from known devices and an open pool, and
// stops every instance when UniAuth says 429. The main server runs with limits no journey reaches (scripts/test.ts);
// these tests start instances with small ones. Every instance shares the database, so each test starts and ends with
// an empty window.

const PORT = Number(testEnv("E2E_PORT"));
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
const countedTokenCalls = async (db: pg.Pool, share = "%") =>
  (await db.query<{ n: number }>(`select count(*)::int as n from "RateEvent" where key like 'uniauth:token:' || $1`, [share])).rows[0]!.n;

/** The token calls the stand-in saw since `since`. */
const tokenCalls = async (since: number) => (await localUniAuth.events(since)).filter((event) => event.type === "token");
const refreshGrants = async (since: number) => (await tokenCalls(since)).filter((event) => event.detail.grant_type === "refresh_token");

/** Makes the user's roles `age` old (Prisma keeps UTC timestamps). */
async function ageRoles(db: pg.Pool, emails: string[], age: string) {
  await db.query(
    `update "Session" set "rolesReadAt" = (now() at time zone 'utc') - $2::interval
     where "userId" in (select id from "User" where email = any($1))`,
    [emails, age],
  );
}

/** The refresh state of the user's one session, compared in the database's own (UTC) clock. */
async function refreshState(db: pg.Pool, email: string) {
  const { rows } = await db.query<{ rolesReadAt: string; leased: boolean; fresh: boolean; failures: number }>(
    `select s."rolesReadAt"::text as "rolesReadAt", coalesce(s."refreshLeaseUntil" > (now() at time zone 'utc'), false) as leased,
            s."rolesReadAt" > (now() at time zone 'utc') - interval '1 minute' as fresh, s."refreshFailures" as failures
     from "Session" s join "User" u on u.id = s."userId" where u.email = $1`,
    [email],
  );
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

// feature:audit-trail begin
/** The reasons of the `signin.refused` rows in the audit trail since `mark`. */
const refusals = async (db: pg.Pool, mark: string) =>
  (await trailSince(db, mark)).filter((row) => row.kind === "signin.refused").map((row) => row.detail.reason);
// feature:audit-trail end

async function signInAt(page: Page, origin: string, user: SeededUser) {
  await page.goto(`${origin}/signin`);
  await signInAs(page, user);
  // Nothing more from this browser until the test asks: no request may make its roles due behind the test's back.
  await page.goto("about:blank");
}

/** A browser still signed in at UniAuth (only the app's session ended) signs in again: UniAuth asks nothing. */
async function signInAgainAt(page: Page, origin: string, user: SeededUser) {
  await clickSignIn(page, origin);
  await expect(page.getByRole("heading", { name: `Welcome, ${SEEDED[user]}` })).toBeVisible();
  await page.goto("about:blank");
}

async function clickSignIn(page: Page, origin: string) {
  await page.goto(`${origin}/signin`);
  await page.getByRole("button", { name: "Sign in with UniAuth" }).click();
}

/**
 * What an attacker does with plain HTTP from `address` (X-Forwarded-For, trusted with TRUSTED_PROXY_HOPS=1): starts a
 * sign-in of its own (CSRF token, state and PKCE cookies all valid), then comes back with a made-up code. Where the
 * app sent it: the busy page at the start, or wherever the callback went.
 */
async function bogusCallback(api: (address: string) => Promise<APIRequestContext>, origin: string, address: string): Promise<string> {
  const attacker = await api(address);
  try {
    const { csrfToken } = (await (await attacker.get(`${origin}/api/auth/csrf`)).json()) as { csrfToken: string };
    const start = await attacker.post(`${origin}/api/auth/signin/uniauth`, { form: { csrfToken, callbackUrl: "/dashboard" }, maxRedirects: 0 });
    const state = new URL(start.headers().location!, origin).searchParams.get("state");
    if (!state) return start.headers().location!;
    const callback = await attacker.get(`${origin}/api/auth/callback/uniauth?code=bogus-${randomUUID()}&state=${state}`, { maxRedirects: 0 });
    return callback.headers().location!;
  } finally {
    await attacker.dispose();
  }
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
  (await readFile(testEnv("E2E_SERVER_LOG")))
    .subarray(offset)
    .toString("utf8")
    .split("\n")
    .filter((line) => line.includes('"refresh.deferred"'))
    // Next prints console.warn dimmed: the JSON sits between ANSI codes.
    .map((line) => JSON.parse(/\{.*\}/.exec(line)![0]).why);

test("two instances share one budget in shares: staff refresh first, new browsers meet the busy page, known ones sign in", async ({ newBrowser, db }) => {
  test.setTimeout(300_000);
  // Two calls for refreshes, two for known devices, two in the open pool.
  const limits = {
    UNIAUTH_TOKEN_LIMIT: "6",
    UNIAUTH_REFRESH_SHARE: "2",
    UNIAUTH_KNOWN_DEVICE_SHARE: "2",
    UNIAUTH_RATE_WINDOW_SECONDS: "600",
    ROLES_MAX_AGE_SECONDS: "10",
    MEMBER_ROLES_MAX_AGE_SECONDS: "10",
  };
  const started = await Promise.all(([2, 3] as const).map((n) => instance(n, limits)));
  try {
    const [a, b] = started as [(typeof started)[0], (typeof started)[0]];
    for (const email of [MIA, SAM, ADA]) await endAllSessions(db, email);
    const since = Date.now();
    const logOffset = (await stat(testEnv("E2E_SERVER_LOG"))).size;

    // New browsers, so the open pool: one sign-in on each instance spends it.
    const [onA, onB] = [await newBrowser(), await newBrowser()];
    await signInAt(onA, a.origin, "member");
    await signInAt(onB, b.origin, "staff");
    expect(await countedTokenCalls(db, "open-pool")).toBe(2);
    const device = (await onA.context().cookies()).find((cookie) => cookie.name === "uniauth.device");
    expect(device).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });

    await test.step("a new browser meets the busy page at the click: the open pool is spent on both instances", async () => {
      await expectBusyAtClick(await newBrowser(), b.origin);
    });

    await test.step("roles due on both, one refresh in the window's share: the staff session's goes first, whoever asks", async () => {
      await endAllSessions(db, ADA);
      await db.query(`insert into "RateEvent" (key, at) values ('uniauth:token:refresh', now() at time zone 'utc')`);
      await ageRoles(db, [MIA, SAM], "1 hour");
      // The member's page view comes first; its refresh is queued behind the staff session, which it refreshes instead.
      await onA.goto(`${a.origin}/dashboard`);
      await expect(onA.getByRole("heading", { name: `Welcome, ${SEEDED.member}` })).toBeVisible();
      await expect.poll(async () => (await refreshState(db, SAM)).fresh, { timeout: 20_000 }).toBe(true);
      expect((await refreshState(db, MIA)).fresh).toBe(false);
      expect(await countedTokenCalls(db, "refresh")).toBe(2);
      // The instance says so in one structured line.
      expect(await deferralsLoggedSince(logOffset)).toEqual(["queued"]);
      expect((await refreshGrants(since)).map((grant) => grant.detail.status)).toEqual([200]);
    });

    await test.step("a known browser signs in from the known-device share while the open pool is spent", async () => {
      await endAllSessions(db, MIA);
      await signInAgainAt(onA, b.origin, "member");
      expect(await countedTokenCalls(db, "known-device")).toBe(1);
    });

    const calls = await tokenCalls(since);
    expect(calls.filter((call) => call.detail.grant_type === "authorization_code").map((call) => call.detail.status)).toEqual([200, 200, 200]);
  } finally {
    await Promise.all(started.map((app) => app.stop()));
  }
});

test("a 429 from UniAuth pauses token calls on every instance: sign-ins land on the busy page", async ({ page, newBrowser, db }) => {
  test.setTimeout(180_000);
  const b = await instance(3);
  try {
    await endAllSessions(db, MIA);
    const mark = await trailMark(db); // feature:audit-trail
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
      await expect.poll(() => refusals(db, mark)).toEqual(["UniAuthBusy"]); // feature:audit-trail
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
  const mark = await trailMark(db); // feature:audit-trail
  const since = Date.now();
  const replay = await fetch(request.url(), {
    method: request.method(),
    headers: { cookie: headers.cookie!, ...(headers["content-type"] ? { "content-type": headers["content-type"] } : {}) },
    body: request.postData() ?? undefined,
    redirect: "manual",
  });
  // Auth.js checked the state against its cookie; the code exchange then refused the used state, before any call.
  expect(replay.status).toBe(302);
  const location = new URL(replay.headers.get("location")!);
  expect(`${location.pathname}${location.search}`).toBe("/auth/error?error=SignInReplayed");
  expect(await tokenCalls(since)).toEqual([]);
  expect((await sessionsOf(db, MIA)).map((session) => session.id)).toEqual(sessions);
  await expect.poll(() => refusals(db, mark)).toEqual(["SignInReplayed"]); // feature:audit-trail
  await page.goto(location.href);
  await expect(page.getByRole("heading", { name: "This sign-in was already used" })).toBeVisible();
});

test("a sign-in callback or start with a repeated parameter is refused (400) before anything reads it", async ({ page, db }) => {
  const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const start = await page.request.post("/api/auth/signin/uniauth", { form: { csrfToken, callbackUrl: "/dashboard" }, maxRedirects: 0 });
  const state = new URL(start.headers().location!).searchParams.get("state")!;
  expect(state).toBeTruthy();
  const since = Date.now();
  const usedStates = async () => (await db.query<{ n: number }>(`select count(*)::int as n from "UsedSignInState"`)).rows[0]!.n;
  const statesBefore = await usedStates();

  // The single-use check would read the first state, Auth.js the last (the real one).
  for (const query of [`code=x&state=junk&state=${state}`, `code=x&code=y&state=${state}`, `code=x&state=${state}&iss=a&iss=b`]) {
    const callback = await page.request.get(`/api/auth/callback/uniauth?${query}`, { maxRedirects: 0 });
    expect(callback.status(), query).toBe(400);
    expect(await callback.text()).toMatch(/the parameter "(state|code|iss)" is given more than once/);
  }
  const repeatedForm = await page.request.post("/api/auth/signin/uniauth", {
    headers: { "content-type": "application/x-www-form-urlencoded" },
    data: `csrfToken=${encodeURIComponent(csrfToken)}&callbackUrl=%2Fdashboard&callbackUrl=https%3A%2F%2Fevil.example`,
    maxRedirects: 0,
  });
  expect(repeatedForm.status()).toBe(400);
  expect(await tokenCalls(since)).toEqual([]);
  expect(await usedStates()).toBe(statesBefore);
});

/** A request context of its own (its own cookies), coming from `address` as its proxy says. */
const fromAddress = (playwright: { request: { newContext(options: object): Promise<APIRequestContext> } }) => (address: string) =>
  playwright.request.newContext({ extraHTTPHeaders: { "x-forwarded-for": address } });

test("bogus callbacks from an unlimited supply of addresses spend only the open pool: returning users sign in, refreshes go on, staff keep /admin", async ({
  newBrowser,
  db,
  playwright,
}) => {
  test.setTimeout(240_000);
  const app = await instance(2, {
    UNIAUTH_TOKEN_LIMIT: "7",
    UNIAUTH_REFRESH_SHARE: "2",
    UNIAUTH_KNOWN_DEVICE_SHARE: "2",
    UNIAUTH_RATE_WINDOW_SECONDS: "600",
    ROLES_MAX_AGE_SECONDS: "10",
    TRUSTED_PROXY_HOPS: "1",
  });
  try {
    for (const email of [MIA, ADA]) await endAllSessions(db, email);
    // Before the attack, Mia and Ada sign in from these browsers: known devices from then on.
    const [mia, ada] = [await newBrowser(), await newBrowser()];
    await signInAt(mia, app.origin, "member");
    await signInAt(ada, app.origin, "admin");
    await endAllSessions(db, MIA);
    await clearBudget(db);
    const since = Date.now();

    await test.step("twelve attackers at once, each from a fresh address: the open pool's three calls reach UniAuth, the rest the busy page", async () => {
      const landed = await Promise.all(Array.from({ length: 12 }, (_, i) => bogusCallback(fromAddress(playwright), app.origin, `203.0.113.${i + 1}`)));
      const exchanges = (await tokenCalls(since)).filter((call) => call.detail.grant_type === "authorization_code");
      expect(exchanges.map((call) => call.detail.status)).toEqual([400, 400, 400]);
      expect(landed.filter((location) => /error=UniAuthBusy&retryAfter=\d+$/.test(location))).toHaveLength(9);
      expect(await countedTokenCalls(db, "open-pool")).toBe(3);
    });

    await test.step("a returning user signs in from the known-device share", async () => {
      await signInAgainAt(mia, app.origin, "member");
      expect(await countedTokenCalls(db, "known-device")).toBe(1);
    });

    await test.step("an admin's due roles refresh from the refresh share, and /admin stays open", async () => {
      await ageRoles(db, [ADA], "1 hour");
      expect((await ada.goto(`${app.origin}/admin`))?.status()).toBe(200);
      await expect.poll(async () => (await refreshState(db, ADA)).fresh, { timeout: 20_000 }).toBe(true);
      expect((await ada.goto(`${app.origin}/admin`))?.status()).toBe(200);
      await expect(ada.getByRole("heading", { name: "UniAuth token budget" })).toBeVisible();
    });

    await test.step("a new browser meets the busy page (503, Retry-After) without reaching UniAuth", async () => expectBusyAtClick(await newBrowser(), app.origin));
  } finally {
    await app.stop();
  }
});

test("per-address limits cannot be aimed at anyone: forged posts count nothing, and failures there hold back new browsers only", async ({
  newBrowser,
  db,
  playwright,
}) => {
  test.setTimeout(240_000);
  const app = await instance(3, { TRUSTED_PROXY_HOPS: "1", SIGNIN_FAILURES_PER_ADDRESS: "1" });
  const nat = "198.51.100.23";
  const behindNat = () => newBrowser({ extraHTTPHeaders: { "x-forwarded-for": nat } });
  const failures = async () => (await db.query<{ n: number }>(`select count(*)::int as n from "RateEvent" where key like 'signin:failed:%'`)).rows[0]!.n;
  try {
    for (const email of [MIA, SAM, ADA]) await endAllSessions(db, email);

    await test.step("twenty sign-in posts without a CSRF token, naming the address: Auth.js refuses them, nothing is counted", async () => {
      const forger = await fromAddress(playwright)(nat);
      for (let i = 0; i < 20; i++) {
        const forged = await forger.post(`${app.origin}/api/auth/signin/uniauth`, { form: { callbackUrl: "/dashboard" }, maxRedirects: 0 });
        expect(forged.headers().location).not.toMatch(/\/api\/oauth\/authorize/);
      }
      await forger.dispose();
      expect(await failures()).toBe(0);
    });

    const returning = [await behindNat(), await behindNat(), await behindNat()];
    await test.step("users behind the address sign in, each from a browser of their own", async () => {
      for (const [page, user] of [[returning[0]!, "member"], [returning[1]!, "staff"], [returning[2]!, "admin"]] as const) await signInAt(page, app.origin, user);
    });

    await test.step("one failed code exchange from there: a new browser at that address meets the limit page (429)", async () => {
      expect(await bogusCallback(fromAddress(playwright), app.origin, nat)).toMatch(/\/auth\/error\?error=/);
      expect(await failures()).toBe(1);
    });
    const stranger = await behindNat();
    await clickSignIn(stranger, app.origin);
    await expectRefusalPage(stranger, "TooManyAttempts", 429);
    await expect(stranger.getByRole("heading", { name: "Too many sign-in attempts" })).toBeVisible();

    await test.step("the returning users behind it still sign in", async () => {
      for (const email of [MIA, SAM, ADA]) await endAllSessions(db, email);
      for (const [page, user] of [[returning[0]!, "member"], [returning[1]!, "staff"], [returning[2]!, "admin"]] as const) await signInAgainAt(page, app.origin, user);
    });
  } finally {
    await app.stop();
  }
});
