import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, signInOverHttp, test } from "./fixtures";

/** Serious and critical violations on the page as it stands (axe-core, WCAG 2.x A and AA rules and best practices). */
async function expectAccessible(page: Page, path: string) {
  await page.goto(path);
  const { violations } = await new AxeBuilder({ page }).analyze();
  const blocking = violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  expect.soft(blocking.map(({ id, help, nodes }) => `${id}: ${help} (${nodes.map((node) => node.target.join(" ")).join(", ")})`), path).toEqual([]);
}

// One sign-in per role, then its pages one by one (a step each): an axe run can take seconds on a loaded 2-core
// machine, so these tests get a roomier bound than the default.
test.describe.configure({ timeout: 120_000 });

const PAGES: { who: string; signIn?: (page: Page) => Promise<void>; paths: string[] }[] = [
  {
    who: "a visitor",
    paths: ["/", "/signin", "/signin?reason=session-ended", "/auth/error?error=EmailUnverified", "/auth/error?error=UniAuthUnavailable", "/auth/error?error=UniAuthBusy&retryAfter=240", "/auth/error", "/signed-out", "/unavailable", "/no-such-page"],
  },
  {
    who: "a signed-in member",
    signIn: (page) => signInOverHttp(page, "member"),
    paths: [
      "/",
      "/dashboard",
      "/admin",
      "/confirm", // feature:step-up
      "/auth/error?error=AnotherAccount&callbackUrl=/dashboard", // feature:step-up
    ],
  },
  {
    who: "a superuser",
    // Signed in a while ago: /admin asks to confirm it's you, and shows the audit trail.
    signIn: (page) => signInOverHttp(page, "admin", { minutesAgo: 11 }),
    paths: [
      "/dashboard",
      "/admin",
      "/admin?kind=signin.accepted&user=ada@example.com", // feature:audit-trail
      "/confirm?callbackUrl=/admin", // feature:step-up
    ],
  },
];

for (const { who, signIn, paths } of PAGES) {
  test(`${who}'s pages pass axe (one step each)`, async ({ page }) => {
    await signIn?.(page);
    for (const path of paths) await test.step(path, () => expectAccessible(page, path));
  });
}
