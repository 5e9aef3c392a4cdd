import type { Page } from "@playwright/test";
import type pg from "pg";
import { localUniAuth } from "../support/uniauth";
import { SMOKE, endAllSessions, expect, makeRolesDue, sessionsOf, signInOverHttp, test } from "./fixtures";

// A refresh re-reads the user's roles from UniAuth once they are older than ROLES_MAX_AGE_SECONDS (an hour here). It
// runs after the response (Next's `after`): the page answers with the roles in the database, and never waits on UniAuth.

const EMAIL = "mia@example.com";

async function signedInMember(page: Page, db: pg.Pool) {
  await endAllSessions(db, EMAIL);
  await signInOverHttp(page, "member");
  const [session] = await sessionsOf(db, EMAIL);
  return session!;
}

const tokenCalls = async (since: number) => (await localUniAuth.events(since)).filter((event) => event.type === "token").map((event) => event.detail);
/** Polls until the session's roles were read again (a refresh finished), its row still there. */
const rolesReadAgain = (db: pg.Pool, email = EMAIL) =>
  expect.poll(async () => (await sessionsOf(db, email))[0]?.rolesReadAt.getTime() ?? 0).toBeGreaterThan(Date.now() - 60_000);

for (const concurrent of [20, 50]) {
  test(`${concurrent} concurrent page views with the roles due: all answer, one token call after them, the refresh token rotates`, async ({ page, db }) => {
    const session = await signedInMember(page, db);
    await makeRolesDue(db, session.id);
    const since = Date.now();

    const responses = await Promise.all(Array.from({ length: concurrent }, () => page.request.get("/dashboard", { maxRedirects: 0 })));
    for (const response of responses) {
      expect(response.status()).toBe(200);
      expect(await response.text()).toContain("Session started");
    }

    await rolesReadAgain(db);
    expect(await tokenCalls(since)).toEqual([{ status: 200, grant_type: "refresh_token" }]);
    const [after] = await sessionsOf(db, EMAIL);
    expect(after!.refreshToken).not.toBe(session.refreshToken);
    expect(after!.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);

    await page.goto("/dashboard");
    await expect(page.getByRole("heading", { name: "Welcome, Mia Member" })).toBeVisible();
    // Last, as it revokes the whole token family: UniAuth refuses the old refresh token.
    const reuse = await localUniAuth.useRefreshToken("token", session.refreshToken!);
    expect(reuse.status).toBe(400);
    expect((await reuse.json()).error).toBe("invalid_grant");
  });
}

test("an expired access token alone makes no token call: the refresh exists to re-read the roles", async ({ page, db }) => {
  const session = await signedInMember(page, db);
  await db.query(`update "Session" set "accessTokenExpiresAt" = (now() at time zone 'utc') - interval '1 minute' where id = $1`, [session.id]);
  const since = Date.now();
  for (let i = 0; i < 3; i++) expect((await page.goto("/dashboard"))?.status()).toBe(200);
  // A due refresh would run right after these responses: the next request's check sees the lease or the new roles.
  await makeRolesDue(db, session.id);
  await page.goto("/dashboard");
  await rolesReadAgain(db);
  expect(await tokenCalls(since)).toEqual([{ status: 200, grant_type: "refresh_token" }]);
});

test("a grant revoked at UniAuth (invalid_grant) ends the session: that page view answers, the next one is signed out", async ({ page, db }) => {
  const session = await signedInMember(page, db);
  expect((await localUniAuth.useRefreshToken("revoke", session.refreshToken!)).status).toBe(200);
  await makeRolesDue(db, session.id);

  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { name: "Welcome, Mia Member" })).toBeVisible();
  await expect.poll(() => sessionsOf(db, EMAIL)).toEqual([]);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/signin\?reason=session-ended/);
});

test("UniAuth answering 503 keeps the session, and backs off instead of retrying on every request", async ({ page, db }) => {
  const session = await signedInMember(page, db);
  await makeRolesDue(db, session.id);
  await localUniAuth.setTokenEndpointStatus(503);
  const since = Date.now();
  try {
    await page.goto("/dashboard");
    // The refresh after that response failed and backs off: the next page views leave UniAuth alone.
    await expect.poll(async () => (await sessionsOf(db, EMAIL))[0]!.refreshRetryAt?.getTime() ?? 0).toBeGreaterThan(Date.now() + 30_000);
    expect((await sessionsOf(db, EMAIL))[0]!.refreshLeaseUntil).toBeNull();
    for (let i = 0; i < 2; i++) {
      await page.goto("/dashboard");
      await expect(page.getByRole("heading", { name: "Welcome, Mia Member" })).toBeVisible();
    }
  } finally {
    await localUniAuth.setTokenEndpointStatus(null);
  }
  expect(await tokenCalls(since)).toEqual([{ status: 503, simulatedFailure: true }]);
  const [after] = await sessionsOf(db, EMAIL);
  expect(after!.refreshToken).toBe(session.refreshToken);
});

test("a session deleted while its refresh is under way stays deleted", async ({ page, db }) => {
  const session = await signedInMember(page, db);
  await makeRolesDue(db, session.id);
  await localUniAuth.setTokenEndpointDelay(1500);
  try {
    expect((await page.request.get("/dashboard", { maxRedirects: 0 })).status()).toBe(200);
    // The lease is taken just before the (delayed) call to UniAuth: the refresh is under way.
    await expect.poll(async () => (await sessionsOf(db, EMAIL))[0]?.refreshLeaseUntil ?? null).not.toBeNull();
    await db.query(`delete from "Session" where id = $1`, [session.id]);
    await expect.poll(async () => (await localUniAuth.events()).some((event) => event.type === "token" && event.detail.grant_type === "refresh_token")).toBe(true);
  } finally {
    await localUniAuth.setTokenEndpointDelay(0);
  }
  expect(await sessionsOf(db, EMAIL)).toEqual([]);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/signin/);
});

test("after a 429 no session refreshes until Retry-After has passed; then refreshing resumes", async ({ page, newBrowser, db }) => {
  await endAllSessions(db, "sam@example.com");
  const member = await signedInMember(page, db);
  const staffPage = await newBrowser();
  await signInOverHttp(staffPage, "staff");
  const [staff] = await sessionsOf(db, "sam@example.com");
  await makeRolesDue(db, member.id);
  await makeRolesDue(db, staff!.id);

  await localUniAuth.setTokenEndpointStatus(429);
  const since = Date.now();
  try {
    await page.goto("/dashboard");
    await expect.poll(() => tokenCalls(since)).toEqual([{ status: 429, simulatedFailure: true }]);
    await staffPage.goto("/dashboard");
    await expect(staffPage.getByRole("heading", { name: "Welcome, Sam Staff" })).toBeVisible();
  } finally {
    await localUniAuth.setTokenEndpointStatus(null);
  }
  // The other session did not even try: every instance waits out UniAuth's Retry-After (2 s at the stand-in).
  expect(await tokenCalls(since)).toHaveLength(1);

  await expect
    .poll(
      async () => {
        await staffPage.goto("/dashboard");
        return (await sessionsOf(db, "sam@example.com"))[0]!.rolesReadAt.getTime() > Date.now() - 60_000;
      },
      { timeout: 30_000, intervals: [1000] },
    )
    .toBe(true);
});

test("a refresh re-syncs roles from the fresh claims", SMOKE, async ({ page, db }) => {
  const session = await signedInMember(page, db);
  await expect(page.getByRole("banner").getByRole("link", { name: "Admin" })).toHaveCount(0);
  await localUniAuth.setGroups("member", ["staff"]);
  try {
    await makeRolesDue(db, session.id);
    await page.goto("/dashboard");
    await rolesReadAgain(db);
    await page.goto("/dashboard");
    await expect(page.getByRole("banner").getByRole("link", { name: "Admin" })).toBeVisible();
    // The cookie middleware reads still says "member": the 403 page offers to re-issue it.
    expect((await page.goto("/admin"))?.status()).toBe(403);
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page).toHaveURL("/admin");
    await expect(page.getByRole("heading", { name: "All users" })).toBeVisible();
  } finally {
    await localUniAuth.setGroups("member", []);
  }
});
