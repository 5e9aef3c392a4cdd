import type { Page } from "@playwright/test";
import type pg from "pg";
import { localUniAuth } from "../support/uniauth";
import { endAllSessions, expect, sessionsOf, signInAs, test } from "./fixtures";

const EMAIL = "mia@example.com";

async function expireAccessToken(db: pg.Pool, sessionId: string) {
  await db.query(`update "Session" set "accessTokenExpiresAt" = now() - interval '1 minute' where id = $1`, [sessionId]);
}

async function signedInMember(page: Page, db: pg.Pool) {
  await endAllSessions(db, EMAIL);
  await signInAs(page, "member");
  const [session] = await sessionsOf(db, EMAIL);
  return session!;
}

for (const concurrent of [20, 50]) {
  test(`${concurrent} concurrent requests at expiry: one token call, all succeed, the refresh token rotates`, async ({ page, db }) => {
    const session = await signedInMember(page, db);
    await expireAccessToken(db, session.id);
    const since = Date.now();

    const responses = await Promise.all(Array.from({ length: concurrent }, () => page.request.get("/dashboard", { maxRedirects: 0 })));
    for (const response of responses) {
      expect(response.status()).toBe(200);
      expect(await response.text()).toContain("Session started");
    }

    const refreshes = (await localUniAuth.events(since)).filter((event) => event.type === "token");
    expect(refreshes).toEqual([expect.objectContaining({ detail: { status: 200, grant_type: "refresh_token" } })]);
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

test("a grant revoked at UniAuth (invalid_grant) ends the session on the next request", async ({ page, db }) => {
  const session = await signedInMember(page, db);
  expect((await localUniAuth.useRefreshToken("revoke", session.refreshToken!)).status).toBe(200);
  await expireAccessToken(db, session.id);

  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/signin\?reason=session-ended/);
  expect(await sessionsOf(db, EMAIL)).toEqual([]);
});

test("UniAuth answering 503 keeps the session, and backs off instead of retrying on every request", async ({ page, db }) => {
  const session = await signedInMember(page, db);
  await expireAccessToken(db, session.id);
  await localUniAuth.setTokenEndpointStatus(503);
  const since = Date.now();
  try {
    for (let i = 0; i < 3; i++) {
      await page.goto("/dashboard");
      await expect(page.getByRole("heading", { name: "Welcome, Mia Member" })).toBeVisible();
    }
  } finally {
    await localUniAuth.setTokenEndpointStatus(null);
  }
  expect((await localUniAuth.events(since)).filter((event) => event.type === "token")).toHaveLength(1);
  const [after] = await sessionsOf(db, EMAIL);
  expect(after!.refreshToken).toBe(session.refreshToken);
  expect(after!.refreshLeaseUntil!.getTime()).toBeGreaterThan(Date.now());
});

test("a session deleted while its refresh is under way stays deleted", async ({ page, db }) => {
  const session = await signedInMember(page, db);
  await expireAccessToken(db, session.id);
  await localUniAuth.setTokenEndpointDelay(1500);
  try {
    const pageView = page.request.get("/dashboard", { maxRedirects: 0 });
    // The lease is taken just before the (delayed) call to UniAuth: the refresh is under way.
    await expect.poll(async () => (await sessionsOf(db, EMAIL))[0]?.refreshLeaseUntil ?? null).not.toBeNull();
    await db.query(`delete from "Session" where id = $1`, [session.id]);
    const response = await pageView;
    expect(await response.text()).not.toContain("Session started");
  } finally {
    await localUniAuth.setTokenEndpointDelay(0);
  }
  await expect.poll(async () => (await localUniAuth.events()).some((event) => event.type === "token" && event.detail.grant_type === "refresh_token")).toBe(true);
  expect(await sessionsOf(db, EMAIL)).toEqual([]);
});

test("after a 429 no session refreshes until Retry-After has passed; then refreshing resumes", async ({ page, newBrowser, db }) => {
  test.setTimeout(60_000);
  await endAllSessions(db, "sam@example.com");
  const member = await signedInMember(page, db);
  const staffPage = await newBrowser();
  await signInAs(staffPage, "staff");
  const [staff] = await sessionsOf(db, "sam@example.com");
  await expireAccessToken(db, member.id);
  await expireAccessToken(db, staff!.id);

  await localUniAuth.setTokenEndpointStatus(429);
  const since = Date.now();
  try {
    await page.goto("/dashboard");
    await staffPage.goto("/dashboard");
    await expect(staffPage.getByRole("heading", { name: "Welcome, Sam Staff" })).toBeVisible();
  } finally {
    await localUniAuth.setTokenEndpointStatus(null);
  }
  // One call got the 429; the other session did not even try.
  expect((await localUniAuth.events(since)).filter((event) => event.type === "token")).toHaveLength(1);

  await expect
    .poll(
      async () => {
        await staffPage.goto("/dashboard");
        return (await sessionsOf(db, "sam@example.com"))[0]!.accessTokenExpiresAt!.getTime() > Date.now();
      },
      { timeout: 30_000, intervals: [1000] },
    )
    .toBe(true);
});

test("a refresh re-syncs roles from the fresh claims", async ({ page, db }) => {
  const session = await signedInMember(page, db);
  await expect(page.getByRole("banner").getByRole("link", { name: "Admin" })).toHaveCount(0);
  await localUniAuth.setGroups("member", ["staff"]);
  try {
    await expireAccessToken(db, session.id);
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
