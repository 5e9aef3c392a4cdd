import type { Page } from "@playwright/test";
import type pg from "pg";
import { testEnv, uniauthTimeoutMs } from "../support/env";
import { type Quirks, localUniAuth } from "../support/uniauth";
import { endAllSessions, expect, makeRolesDue, pickAtUniAuth, sessionsOf, startInstance, test } from "./fixtures";

// OpenID providers as they really are: each test turns one of the stand-in's quirks on and goes through the whole
// journey under it: sign in (name, verified email and roles from groups), two refreshes, a step-up (which revokes
// the replaced grant's refresh token), and a sign-out at the provider that ends the app session by back-channel logout.

const ADA = "ada@example.com";
/** Generous: under the slow quirk every call to the provider takes seconds. */
const PATIENCE = { timeout: 20_000 };

test.afterEach(async () => {
  await localUniAuth.reset();
});

const uniauthEvents = async (since: number, type: string) => (await localUniAuth.events(since)).filter((event) => event.type === type);

/** `userinfoCalls`: how many calls to userinfo the sign-in makes (one when the ID token lacks claims, else none). */
async function journey(page: Page, db: pg.Pool, { origin = "", userinfoCalls = 0 } = {}) {
  await endAllSessions(db, ADA);

  await test.step("sign in: name, verified email and roles from the provider", async () => {
    const since = Date.now();
    await page.goto(`${origin}/signin`);
    await page.getByRole("button", { name: "Sign in with UniAuth" }).click();
    await expect(page.getByRole("heading", { name: /Sign in to/ })).toBeVisible(PATIENCE);
    await pickAtUniAuth(page, "admin", { minutesAgo: 11 });
    await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible(PATIENCE);
    await expect(page.getByRole("banner").getByRole("link", { name: "Admin" })).toBeVisible();
    expect(await sessionsOf(db, ADA)).toHaveLength(1);
    expect(await uniauthEvents(since, "userinfo")).toHaveLength(userinfoCalls);
  });

  await test.step("two refreshes, each one token call that succeeds after the page answered, the roles kept", async () => {
    for (let i = 0; i < 2; i++) {
      const [session] = await sessionsOf(db, ADA);
      await makeRolesDue(db, session!.id);
      const since = Date.now();
      await page.goto(`${origin}/dashboard`);
      await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible(PATIENCE);
      // After the response: the refresh reads the roles again.
      await expect.poll(async () => (await sessionsOf(db, ADA))[0]!.rolesReadAt.getTime(), PATIENCE).toBeGreaterThan(Date.now() - 60_000);
      expect((await uniauthEvents(since, "token")).map((event) => event.detail)).toEqual([{ status: 200, grant_type: "refresh_token" }]);
      const [after] = await sessionsOf(db, ADA);
      expect(after!.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
      await expect(page.getByRole("banner").getByRole("link", { name: "Admin" })).toBeVisible();
    }
  });

  // feature:step-up begin
  await test.step("step-up: the provider asks again, the app takes the fresh sign-in and revokes the replaced grant", async () => {
    const since = Date.now();
    await page.goto(`${origin}/confirm?callbackUrl=/admin`);
    await page.getByRole("button", { name: "Confirm it's you" }).click();
    await expect(page.getByRole("heading", { name: /Sign in to/ }), "the provider asks for a new sign-in").toBeVisible(PATIENCE);
    await pickAtUniAuth(page, "admin");
    await expect(page.getByText(/You have confirmed it's you: ending sessions is allowed until/)).toBeVisible(PATIENCE);
    await expect.poll(async () => (await uniauthEvents(since, "revocation")).map((event) => event.detail), PATIENCE).toEqual([{ status: 200 }]);
  });
  // feature:step-up end

  await test.step("signing out at the provider ends the app session (back-channel logout)", async () => {
    const since = Date.now();
    const uniauth = await page.context().newPage();
    await uniauth.goto(testEnv("UNIAUTH_ISSUER"));
    await uniauth.getByRole("link", { name: "Sign out of UniAuth" }).click();
    await uniauth.getByRole("button", { name: "Yes, sign me out" }).click();
    await expect(uniauth.getByRole("heading", { name: "Signed out" })).toBeVisible(PATIENCE);
    await uniauth.close();
    const sent = await uniauthEvents(since, "backchannel_logout");
    expect(sent.map((event) => event.detail.ok)).toEqual([true]);
    expect(await sessionsOf(db, ADA)).toEqual([]);
    await page.goto(`${origin}/dashboard`);
    await expect(page).toHaveURL(/\/signin\?reason=session-ended/, PATIENCE);
  });
}

const quirks: [string, Partial<Quirks>, number][] = [
  ["claims (email, email_verified, name, groups) only at userinfo", { claimsOnlyAtUserinfo: true }, 1],
  ["max_age=0 ignored (only prompt=login asks again)", { maxAgeZeroIgnored: true }, 0],
  ["a generic `typ: JWT` on logout tokens", { logoutTokenTyp: "JWT" }, 0],
  ["refresh tokens not rotated (and not sent again)", { refreshTokensNotRotated: true }, 0],
];

for (const [name, quirk, userinfoCalls] of quirks) {
  test(`a provider with ${name}`, async ({ page, db }) => {
    test.setTimeout(60_000);
    await localUniAuth.setQuirks(quirk);
    await journey(page, db, { userinfoCalls });
  });
}

test("a provider whose token responses carry no scope, with groups only at userinfo", async ({ page, db }) => {
  test.setTimeout(60_000);
  await localUniAuth.setQuirks({ noScopeInTokenResponse: true });
  await localUniAuth.setGroupsInIdToken(false);
  await journey(page, db, { userinfoCalls: 1 });
});

test("a provider that answers slowly (every endpoint the app calls late by most of the app's timeout) is slow, not down", async ({ page, db }) => {
  test.setTimeout(120_000);
  // UNIAUTH_TIMEOUT_MS is shortened for the tests (3 s, against 5 s in production): the same share of it as 3.2 s of 5.
  await localUniAuth.setDelay(Math.round(0.6 * uniauthTimeoutMs()));
  await journey(page, db);
});

test("a provider that lists only client_secret_basic and compares the credentials as sent", async ({ page, db }) => {
  test.setTimeout(120_000);
  await localUniAuth.setQuirks({ basicCredentialsUndecoded: true });
  // An instance of its own, which reads the provider's discovery (Basic only) afresh.
  const port = Number(testEnv("E2E_PORT")) + 2;
  const app = await startInstance(port, { AUTH_URL: `http://localhost:${port}` });
  try {
    await journey(page, db, { origin: app.origin });
  } finally {
    await app.stop();
  }
});
