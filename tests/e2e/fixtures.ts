import { appendFile, mkdir } from "node:fs/promises";
import { test as base, expect, type Page } from "@playwright/test";
import pg from "pg";
import { testEnv } from "../support/env";

export { expect };

export const SEEDED = {
  admin: "Ada Admin",
  staff: "Sam Staff",
  member: "Mia Member",
  unverified: "Uma Unverified",
} as const;

export type SeededUser = keyof typeof SEEDED;

/** Goes through the real flow (app sign-in page → local UniAuth → callback) and stops wherever the app lands. */
export async function attemptSignIn(page: Page, user: SeededUser): Promise<void> {
  if (!page.url().includes("/signin")) await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with UniAuth" }).click();
  await page.getByRole("button", { name: new RegExp(SEEDED[user]) }).click();
  await page.waitForURL((url) => url.port !== new URL(testEnv("UNIAUTH_ISSUER")).port);
}

/** Signs in and waits for the dashboard. */
export async function signInAs(page: Page, user: SeededUser): Promise<void> {
  const started = Date.now();
  await attemptSignIn(page, user);
  await expect(page.getByRole("heading", { name: `Welcome, ${SEEDED[user]}` })).toBeVisible();
  await recordSignInTime(Date.now() - started);
}

// Collected for the sign-in round-trip figure that `npm test` prints at the end.
async function recordSignInTime(ms: number) {
  await mkdir(".local/test-results", { recursive: true });
  await appendFile(".local/test-results/sign-in-ms.txt", `${ms}\n`);
}

export const test = base.extend<object, { db: pg.Pool }>({
  db: [
    async ({}, use) => {
      const pool = new pg.Pool({ connectionString: testEnv("DATABASE_URL"), max: 2 });
      await use(pool);
      await pool.end();
    },
    { scope: "worker" },
  ],
});
