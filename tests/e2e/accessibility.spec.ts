import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, signInAs, test } from "./fixtures";

/** Serious and critical violations on the page as it stands (axe-core, WCAG 2.x A and AA rules and best practices). */
async function expectAccessible(page: Page, path: string) {
  await page.goto(path);
  const { violations } = await new AxeBuilder({ page }).analyze();
  const blocking = violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  expect(blocking.map(({ id, help, nodes }) => `${id}: ${help} (${nodes.map((node) => node.target.join(" ")).join(", ")})`), path).toEqual([]);
}

test("every page a visitor sees passes axe", async ({ page }) => {
  for (const path of ["/", "/signin", "/signin?reason=session-ended", "/auth/error?error=EmailUnverified", "/auth/error?error=UniAuthUnavailable", "/auth/error", "/signed-out", "/unavailable", "/no-such-page"]) {
    await test.step(path, () => expectAccessible(page, path));
  }
});

test("every page a signed-in member and a superuser see passes axe", async ({ page, newBrowser }) => {
  await signInAs(page, "member");
  for (const path of ["/", "/dashboard", "/admin", "/confirm", "/auth/error?error=AnotherAccount&callbackUrl=/dashboard"]) {
    await test.step(`member ${path}`, () => expectAccessible(page, path));
  }
  const admin = await newBrowser();
  // Signed in a while ago: /admin asks to confirm it's you, and shows the audit trail.
  await signInAs(admin, "admin", { minutesAgo: 11 });
  for (const path of ["/dashboard", "/admin", "/admin?kind=signin.accepted&user=ada@example.com", "/confirm?callbackUrl=/admin"]) {
    await test.step(`admin ${path}`, () => expectAccessible(admin, path));
  }
});
