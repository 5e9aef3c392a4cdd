import { expect, signInOverHttp, test } from "./fixtures";

/** Shown only by the audit trail on /admin (the details of a sign-in), so its absence means no trail. */
const TRAIL_ONLY = "acr: urn:uniauth:acr:pwd";

test("superusers read the audit trail on /admin: newest first, filtered by kind and user, a page at a time", async ({ page, newBrowser, db }) => {
  const member = await newBrowser();
  await signInOverHttp(member, "member");
  await member.getByRole("button", { name: "Sign out", exact: true }).click();
  await member.waitForURL(/\/signed-out/);

  await signInOverHttp(page, "admin");
  await page.goto("/admin");
  const trail = page.getByRole("region", { name: "Audit trail" });
  // What the staff and member test below must not see.
  expect(await page.content()).toContain(TRAIL_ONLY);
  // Newest first: the superuser's own sign-in, just now.
  await expect(trail.getByRole("row").nth(1)).toContainText(/signin\.accepted\s*ada@example\.com/);

  await trail.getByLabel("Kind").selectOption("signout");
  await trail.getByLabel("User").fill("mia@example.com");
  await trail.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/\/admin\?kind=signout&user=mia%40example\.com/);
  const rows = trail.getByRole("row").filter({ hasNot: page.getByRole("columnheader") });
  await expect(rows.first()).toContainText(/signout\s*mia@example\.com/);
  for (const row of await rows.all()) await expect(row).toContainText(/signout\s*mia@example\.com/);

  // By the one who did it: the superuser ends Mia's other session (signed in again to have one).
  await signInOverHttp(member, "member");
  await page.reload();
  await page.getByRole("button", { name: "End all sessions of mia@example.com" }).click();
  await trail.getByLabel("Kind").selectOption("sessions.ended_by_admin");
  await trail.getByLabel("User").fill("ada@example.com");
  await trail.getByRole("button", { name: "Filter" }).click();
  await expect(rows.first()).toContainText(/sessions\.ended_by_admin\s*mia@example\.com\s*ada@example\.com/);

  await trail.getByLabel("User").fill("nobody@example.com");
  await trail.getByRole("button", { name: "Filter" }).click();
  await expect(trail.getByRole("status")).toHaveText("No user has the email nobody@example.com.");
  await trail.getByRole("link", { name: "Clear filters" }).click();
  await expect(trail.getByLabel("Kind")).toHaveValue("");

  // More than a page: 60 events, newest last. The session id is what the Details column shows of them.
  const ids = Array.from({ length: 60 }, (_, n) => `paging${String(n).padStart(2, "0")}`);
  await db.query(`insert into "AuthEvent" (kind, "sessionId", at) select 'signout', id, now() at time zone 'UTC' from unnest($1::text[]) with ordinality as t(id, n) order by n`, [ids]);
  try {
    await page.goto("/admin");
    await expect(rows).toHaveCount(50);
    await expect(rows.first()).toContainText("session paging59");
    await expect(rows.last()).toContainText("session paging10");
    await expect(trail.getByRole("link", { name: "Newer" })).toHaveCount(0);
    await trail.getByRole("link", { name: "Older" }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(rows.first()).toContainText("session paging09");
    await trail.getByRole("link", { name: "Newer" }).click();
    await expect(rows.first()).toContainText("session paging59");
  } finally {
    await db.query(`delete from "AuthEvent" where "sessionId" = any($1::text[])`, [ids]);
  }
});

test("only superusers can read the trail: staff see /admin without it, members get 403", async ({ page, newBrowser }) => {
  await signInOverHttp(page, "staff");
  for (const path of ["/admin", "/admin?kind=signin.accepted&user=ada@example.com&page=1"]) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "All users" })).toBeVisible();
    await expect(page.getByRole("region", { name: "Audit trail" })).toHaveCount(0);
    expect(await page.content()).not.toContain(TRAIL_ONLY);
  }
  const member = await newBrowser();
  await signInOverHttp(member, "member");
  expect((await member.goto("/admin?kind=signin.accepted"))?.status()).toBe(403);
  expect(await member.content()).not.toContain(TRAIL_ONLY);
});
