import { localUniAuth } from "../support/uniauth";
import { SEEDED, SMOKE, endAllSessions, expect, sessionsOf, signInAs, test } from "./fixtures";

test("sign out ends the app session and the UniAuth session, then comes back to /signed-out", SMOKE, async ({ page, db }) => {
  await endAllSessions(db, "mia@example.com");
  await signInAs(page, "member");
  const [session] = await sessionsOf(db, "mia@example.com");
  const since = Date.now();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signed-out\?state=/);
  await expect(page.getByRole("status")).toHaveText("You are signed out of this app and of UniAuth.");
  expect(await sessionsOf(db, "mia@example.com")).toEqual([]);

  const calls = await localUniAuth.events(since);
  expect(calls.filter((event) => event.type === "end_session").length).toBeGreaterThan(0);
  const refused = await localUniAuth.useRefreshToken("token", session!.refreshToken!);
  expect((await refused.json()).error).toBe("invalid_grant");

  await test.step("signing in again asks UniAuth who you are: its session really ended", async () => {
    await page.goto("/signin");
    await page.getByRole("button", { name: "Sign in with UniAuth" }).click();
    await expect(page.getByRole("button", { name: new RegExp(SEEDED.member) })).toBeVisible();
  });
});

test("a /signed-out visit without our state does not claim UniAuth signed out", async ({ page }) => {
  await page.goto("/signed-out?state=forged");
  await expect(page.getByRole("status")).toContainText("could not be confirmed");
});

test("UniAuth calls after warm-up: the click's check, one authorize and one token call per sign-in, none per page view", async ({ page }) => {
  const since = Date.now();
  await signInAs(page, "staff");
  // Discovery is cached for a day, not fetched per sign-in; the ID token needs no userinfo or JWKS call.
  const events = await localUniAuth.events(since);
  const expected = ["authorize", "token"];
  // feature:uniauth-outage begin
  // The click checks that UniAuth answers (a bare GET of its authorization endpoint: the uniauth-outage feature) before the browser goes.
  expected.push("authorize");
  expect(events.filter((event) => event.type === "authorize" && !event.detail.client_id)).toEqual([expect.objectContaining({ detail: { status: 400 } })]);
  // feature:uniauth-outage end
  expect(events.map((event) => event.type).sort()).toEqual(expected.sort());

  const warm = Date.now();
  for (const path of ["/dashboard", "/admin", "/", "/dashboard", "/admin"]) await page.goto(path);
  await page.getByRole("banner").getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Your sessions" })).toBeVisible();
  expect(await localUniAuth.events(warm)).toEqual([]);
});
