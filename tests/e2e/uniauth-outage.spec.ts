import type { Page } from "@playwright/test";
import type pg from "pg";
import { localUniAuth } from "../support/uniauth";
import { testEnv, uniauthTimeoutMs } from "../support/env";
import { SEEDED, expect, signInOverHttp, startInstance, test } from "./fixtures";

// UniAuth down or failing at the click or at the callback: the browser lands on our own page (never on the dead
// host, never on the generic error) within seconds, nothing is written, signed-in users carry on, and sign-in
// works again by itself once UniAuth is back.

const UNAVAILABLE = /\/auth\/error\?error=UniAuthUnavailable$/;
/**
 * The app gives up on UniAuth after UNIAUTH_TIMEOUT_MS (shortened for the tests by scripts/test.ts, as are the other
 * waits on UniAuth: the check at the click stands 0.5 s, a failed discovery is retried after 1 s); a loaded machine
 * may add a few seconds around it.
 */
const UNIAUTH_TIMEOUT_MS = uniauthTimeoutMs();
const OUTAGE_PAGE_WITHIN_MS = UNIAUTH_TIMEOUT_MS + 5000;
/** How long the local UniAuth refuses connections: the click and our page, with room to spare on a loaded machine. */
const OFFLINE_MS = 8000;

const uniauthListens = () => localUniAuth.events().then(() => true, () => false);

test.afterEach(async () => {
  // A test that failed while UniAuth was offline must not leave the next one without it.
  await expect.poll(uniauthListens, { timeout: 30_000 }).toBe(true);
  await localUniAuth.setAuthorizeStatus(null);
  await localUniAuth.setDiscoveryStatus(null);
  await localUniAuth.setTokenEndpointStatus(null);
  await localUniAuth.setTokenEndpointDelay(0);
});

/** Rows the app would write at a sign-in: new sessions and users since `since`. */
async function writtenSince(db: pg.Pool, since: Date) {
  const { rows } = await db.query<{ sessions: number; users: number }>(
    `select (select count(*)::int from "Session" where "createdAt" >= $1) as sessions, (select count(*)::int from "User" where "lastSignInAt" >= $1) as users`,
    [since],
  );
  return rows[0];
}

/** Our page, fast, answering 503 with Retry-After when loaded, with a way back to sign in. */
async function expectOutagePage(page: Page, clickedAt: number) {
  // Without the app's own timeout a slow token endpoint (twice the timeout, below) would answer in the end and sign in:
  // no outage page.
  await expect(page).toHaveURL(UNAVAILABLE, { timeout: OUTAGE_PAGE_WITHIN_MS + 5000 });
  expect(Date.now() - clickedAt).toBeLessThan(OUTAGE_PAGE_WITHIN_MS);
  await expect(page.getByRole("heading", { name: "UniAuth cannot be reached right now" })).toBeVisible();
  const reloaded = await page.reload();
  expect(reloaded?.status()).toBe(503);
  expect(reloaded?.headers()["retry-after"]).toBe("60");
  await expect(page.getByRole("link", { name: "Try again" })).toHaveAttribute("href", "/signin");
}

async function clickSignIn(page: Page, origin = ""): Promise<number> {
  await page.goto(`${origin}/signin`);
  const clickedAt = Date.now();
  await page.getByRole("button", { name: "Sign in with UniAuth" }).click();
  return clickedAt;
}

/** The last check's "down" stands for a moment (UNIAUTH_CHECK_CACHE_MS): a click then still gets our page. */
async function signInOnceUniAuthTakesIt(page: Page) {
  await expect(async () => {
    await clickSignIn(page);
    await expect(page.getByRole("button", { name: new RegExp(SEEDED.member) })).toBeVisible({ timeout: 10_000 });
  }).toPass({ timeout: 45_000 });
  await page.getByRole("button", { name: new RegExp(SEEDED.member) }).click();
  await expect(page.getByRole("heading", { name: `Welcome, ${SEEDED.member}` })).toBeVisible();
}

/**
 * Clicks until the click meets the outage: for a moment after a check (UNIAUTH_CHECK_CACHE_MS, the sign-in just before)
 * the instance takes that check's "up" and sends the browser on to UniAuth. Returns the time of the last click.
 */
async function clickSignInUntilOutagePage(page: Page): Promise<number> {
  let clickedAt = 0;
  await expect(async () => {
    clickedAt = await clickSignIn(page);
    await expect(page).toHaveURL(UNAVAILABLE, { timeout: OUTAGE_PAGE_WITHIN_MS });
  }).toPass({ timeout: 45_000 });
  return clickedAt;
}

test("UniAuth's authorization endpoint answering 503 at the click: our page, not UniAuth's error", async ({ page, newBrowser, db }) => {
  test.setTimeout(90_000);
  const signedIn = await newBrowser();
  await signInOverHttp(signedIn, "admin");
  const since = new Date();

  await test.step("the click lands on our page", async () => {
    await localUniAuth.setAuthorizeStatus(503);
    await expectOutagePage(page, await clickSignInUntilOutagePage(page));
    expect(await writtenSince(db, since)).toEqual({ sessions: 0, users: 0 });
  });

  await test.step("a signed-in user carries on meanwhile, and the page view asks UniAuth nothing", async () => {
    const viewedAt = Date.now();
    await signedIn.goto("/dashboard");
    await expect(signedIn.getByRole("heading", { name: `Welcome, ${SEEDED.admin}` })).toBeVisible();
    expect(await localUniAuth.events(viewedAt)).toEqual([]);
  });

  await test.step("UniAuth back: Try again signs in", async () => {
    await localUniAuth.setAuthorizeStatus(null);
    await page.getByRole("link", { name: "Try again" }).click();
    await signInOnceUniAuthTakesIt(page);
  });
});

test("UniAuth refusing connections at the click: our page within seconds, and sign-in again once it listens", async ({ page, newBrowser, db }) => {
  test.setTimeout(90_000);
  const signedIn = await newBrowser();
  await signInOverHttp(signedIn, "admin");
  await page.goto("/signin");
  const since = new Date();

  await test.step("the click lands on our page", async () => {
    await localUniAuth.goOffline(OFFLINE_MS);
    await expectOutagePage(page, await clickSignInUntilOutagePage(page));
    expect(await writtenSince(db, since)).toEqual({ sessions: 0, users: 0 });
  });

  await test.step("a signed-in user carries on meanwhile", async () => {
    await signedIn.goto("/dashboard");
    await expect(signedIn.getByRole("heading", { name: `Welcome, ${SEEDED.admin}` })).toBeVisible();
  });

  await test.step("UniAuth back: sign-in works, no restart", async () => {
    await expect.poll(uniauthListens, { timeout: 30_000 }).toBe(true);
    await signInOnceUniAuthTakesIt(page);
  });
});

for (const [fault, breakIt] of [
  ["answering 503", () => localUniAuth.setTokenEndpointStatus(503)],
  ["not answering (timeout)", () => localUniAuth.setTokenEndpointDelay(2 * UNIAUTH_TIMEOUT_MS)],
] as const) {
  test(`UniAuth's token endpoint ${fault} during the callback: our page, no session or user written`, async ({ page, newBrowser, db }) => {
    test.setTimeout(60_000);
    const signedIn = await newBrowser();
    await signInOverHttp(signedIn, "admin");
    const since = new Date();

    await test.step("the code exchange fails: our page, not Auth.js's Configuration error", async () => {
      await clickSignIn(page);
      await breakIt();
      const pickedAt = Date.now();
      await page.getByRole("button", { name: new RegExp(SEEDED.member) }).click();
      await expectOutagePage(page, pickedAt);
      expect(await writtenSince(db, since)).toEqual({ sessions: 0, users: 0 });
    });

    await test.step("a signed-in user carries on meanwhile", async () => {
      await signedIn.goto("/dashboard");
      await expect(signedIn.getByRole("heading", { name: `Welcome, ${SEEDED.admin}` })).toBeVisible();
    });

    await test.step("UniAuth back: sign-in works (UniAuth still knows the user, so it does not ask again)", async () => {
      await localUniAuth.setTokenEndpointStatus(null);
      await localUniAuth.setTokenEndpointDelay(0);
      await page.getByRole("link", { name: "Try again" }).click();
      await page.getByRole("button", { name: "Sign in with UniAuth" }).click();
      await expect(page.getByRole("heading", { name: `Welcome, ${SEEDED.member}` })).toBeVisible();
    });
  });
}

// Instances of their own: one that has not fetched discovery yet (the first one has long cached it, and rightly uses
// that copy), one bound to 127.0.0.1. Each test starts its own, so the two tests can run on two workers at once.
async function withInstance(offset: number, host: string | undefined, run: (origin: string) => Promise<void>) {
  const app = await startInstance(Number(testEnv("E2E_PORT")) + offset, {}, host);
  try {
    await run(app.origin);
  } finally {
    await app.stop();
  }
}

test("UniAuth's discovery answering 503 on an instance that has no copy yet: our page, and sign-in once discovery is back", async ({ page }) => {
  test.setTimeout(120_000);
  await withInstance(52, undefined, async (fresh) => {
    await localUniAuth.setDiscoveryStatus(503);
    await expectOutagePage(page, await clickSignIn(page, fresh));

    await localUniAuth.setDiscoveryStatus(null);
    // A failed discovery is retried UNIAUTH_DISCOVERY_RETRY_MS later (lib/auth/core/uniauth/discovery.ts), not cached for good.
    await expect(async () => {
      await clickSignIn(page, fresh);
      await expect(page.getByRole("button", { name: new RegExp(SEEDED.member) })).toBeVisible({ timeout: 10_000 });
    }).toPass({ timeout: 30_000 });
  });
});

test("the outage page and the 403 page answer at once on an instance started with -H 127.0.0.1 (no rewrite Next takes for another host)", async ({ page }) => {
  test.setTimeout(120_000);
  await withInstance(53, "127.0.0.1", async (loopback) => {
    const started = Date.now();
    const response = await page.goto(`${loopback}/auth/error?error=UniAuthUnavailable`);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(response?.status()).toBe(503);
    expect(response?.headers()).toMatchObject({ "retry-after": "60", "cache-control": "no-store" });
    expect(response?.headers()["content-security-policy"]).toMatch(/script-src [^;]*'nonce-/);
    await expect(page.getByRole("heading", { name: "UniAuth cannot be reached right now" })).toBeVisible();

    // A member at /admin: the 403 page, not the page's 200 through Next proxying a rewrite to itself. The session
    // cookie (same secret, same database) is the member's from the main server, where the stand-in can sign in.
    await signInOverHttp(page, "member");
    const member = (await page.context().cookies()).filter((cookie) => cookie.name.startsWith("authjs.session-token"));
    await page.context().addCookies(member.map(({ name, value }) => ({ name, value, url: loopback })));
    const admin = await page.goto(`${loopback}/admin`);
    expect(admin?.status()).toBe(403);
    expect(page.url()).toBe(`${loopback}/forbidden?from=%2Fadmin`);
    await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
  });
});
