import { testEnv } from "../support/env";
import { localUniAuth } from "../support/uniauth";
import { SMOKE, expect, signInOverHttp, test } from "./fixtures";

const liveSessions = async (db: import("pg").Pool, email: string) =>
  Number((await db.query(`select count(*) from "Session" s join "User" u on u.id = s."userId" where u.email = $1`, [email])).rows[0].count);

test("signing out at UniAuth ends the app session: the next click lands on sign-in and the cookie is gone", SMOKE, async ({ page, context, db }) => {
  await db.query(`delete from "Session" where "userId" in (select id from "User" where email = 'sam@example.com')`);
  await signInOverHttp(page, "staff");
  expect(await liveSessions(db, "sam@example.com")).toBe(1);
  const since = Date.now();

  await test.step("the user signs out of UniAuth in another tab", async () => {
    const uniauth = await context.newPage();
    await uniauth.goto(testEnv("UNIAUTH_ISSUER"));
    await uniauth.getByRole("link", { name: "Sign out of UniAuth" }).click();
    await uniauth.getByRole("button", { name: "Yes, sign me out" }).click();
    await expect(uniauth.getByRole("heading", { name: "Signed out" })).toBeVisible();
    await uniauth.close();
  });

  await test.step("UniAuth sent a logout token and the app deleted the session row", async () => {
    const sent = (await localUniAuth.events(since)).filter((event) => event.type === "backchannel_logout");
    expect(sent).toEqual([expect.objectContaining({ detail: expect.objectContaining({ ok: true }) })]);
    expect(await liveSessions(db, "sam@example.com")).toBe(0);
  });

  await test.step("a client-side navigation to /admin lands on sign-in, and the stale cookie is cleared", async () => {
    await page.getByRole("banner").getByRole("link", { name: "Admin" }).click();
    await expect(page).toHaveURL(/\/signin\?reason=session-ended/);
    await expect(page.getByRole("status")).toContainText("Your session has ended");
    await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
    await expect(page.getByRole("banner")).not.toContainText("Sam Staff");
    const cookies = await context.cookies();
    expect(cookies.filter((cookie) => cookie.name.includes("authjs.session-token"))).toEqual([]);
  });

  await test.step("/dashboard stays signed out", async () => {
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/signin/);
  });
});

test("a prefetch or full navigation after the rows are gone never shows the dashboard", async ({ page, db }) => {
  await signInOverHttp(page, "member");
  await db.query(`delete from "Session" where "userId" = (select id from "User" where email = 'mia@example.com')`);
  const prefetch = await page.request.get("/dashboard", { headers: { RSC: "1", "Next-Router-Prefetch": "1" }, maxRedirects: 0 });
  expect(await prefetch.text()).not.toContain("Session started");
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/signin\?reason=session-ended/);
});

test("the receiver answers over HTTP: 405 for GET, 400 JSON for a bad token, never a redirect", async ({ request }) => {
  const get = await request.get("/api/auth/backchannel-logout", { maxRedirects: 0 });
  expect(get.status()).toBe(405);

  const bad = await request.post("/api/auth/backchannel-logout", { form: { logout_token: "x.y.z" }, maxRedirects: 0 });
  expect(bad.status()).toBe(400);
  expect(bad.headers()["cache-control"]).toBe("no-store");
  expect(await bad.json()).toMatchObject({ error: "invalid_request" });
});
