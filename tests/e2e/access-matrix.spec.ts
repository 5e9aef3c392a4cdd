import type { Page } from "@playwright/test";
import { testEnv } from "../support/env"; // feature:token-budget
import { type SeededUser, attemptSignIn, expect, signInOverHttp, test } from "./fixtures";

// Each row: who is in the browser; each step: one cell of the matrix (/, /dashboard, /admin).
async function expectHome(page: Page, signedInAs?: string) {
  await page.goto("/");
  if (signedInAs) await expect(page.getByText(`You are signed in as ${signedInAs}`)).toBeVisible();
  else await expect(page.getByRole("link", { name: "Sign in with UniAuth" })).toBeVisible();
}

async function expectSentToSignIn(page: Page, path: string) {
  await page.goto(path);
  await expect(page).toHaveURL(`/signin?callbackUrl=${encodeURIComponent(path)}`);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
}

async function expectDashboard(page: Page, name: string) {
  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { name: `Welcome, ${name}` })).toBeVisible();
}

async function expectForbidden(page: Page) {
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
  await expect(page.getByText("All users")).toHaveCount(0);
}

async function expectAdmin(page: Page, superuser: boolean) {
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "All users" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Superuser: session registry" })).toHaveCount(superuser ? 1 : 0);
  // feature:token-budget begin
  // The token budget, for superusers only: this sign-in's own code exchange is among the calls counted.
  await expect(page.getByRole("heading", { name: "UniAuth token budget" })).toHaveCount(superuser ? 1 : 0);
  if (!superuser) return;
  // The calls used of the limit, then each share's use; per kind of session, how many the refresh share keeps fresh.
  await expect(page.getByText(new RegExp(`^[1-9]\\d* of ${testEnv("UNIAUTH_TOKEN_LIMIT")}$`))).toBeVisible();
  await expect(page.getByRole("row", { name: /^Staff and superusers [1-9]\d* \d+/ })).toBeVisible();
  // feature:token-budget end
}

test("anonymous: home signed out, /dashboard and /admin send to sign-in", async ({ page }) => {
  await test.step("/", () => expectHome(page));
  await test.step("/dashboard", () => expectSentToSignIn(page, "/dashboard"));
  await test.step("/admin", () => expectSentToSignIn(page, "/admin"));
});

test("unverified email: refused with a reason, no rows written, stays signed out", async ({ page, db }) => {
  const count = async () =>
    (
      await db.query<{ users: number; accounts: number; sessions: number }>(
        `select (select count(*) from "User")::int users, (select count(*) from "Account")::int accounts,
                (select count(*) from "Session")::int sessions`,
      )
    ).rows[0]!;
  const before = await count();

  await attemptSignIn(page, "unverified");
  await expect(page).toHaveURL(/\/auth\/error\?error=EmailUnverified$/);
  await expect(page.getByRole("heading", { name: "Your email address is not verified" })).toBeVisible();
  await expect(page.getByText("Verify your email at UniAuth")).toBeVisible();

  expect(await count()).toEqual(before);
  expect((await db.query(`select 1 from "User" where email = 'uma@example.com'`)).rowCount).toBe(0);
  await test.step("/", () => expectHome(page));
  await test.step("/dashboard", () => expectSentToSignIn(page, "/dashboard"));
  await test.step("/admin", () => expectSentToSignIn(page, "/admin"));
});

const signedIn: { user: SeededUser; name: string; admin: "forbidden" | "staff" | "superuser" }[] = [
  { user: "member", name: "Mia Member", admin: "forbidden" },
  { user: "staff", name: "Sam Staff", admin: "staff" },
  { user: "admin", name: "Ada Admin", admin: "superuser" },
];

for (const { user, name, admin } of signedIn) {
  test(`${user}: home signed in, dashboard, /admin ${admin}`, async ({ page }) => {
    await signInOverHttp(page, user);
    await test.step("/", () => expectHome(page, name));
    await test.step("/dashboard", () => expectDashboard(page, name));
    await test.step("/admin", () => (admin === "forbidden" ? expectForbidden(page) : expectAdmin(page, admin === "superuser")));
  });
}
