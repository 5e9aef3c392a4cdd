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

// One page per test, each with its own sign-in: on a loaded 2-core machine a sign-in and one axe run can take
// 20 s between them, so each test gets the whole timeout, and a longer one than the default.
test.describe.configure({ timeout: 60_000 });

for (const path of ["/", "/signin", "/signin?reason=session-ended", "/auth/error?error=EmailUnverified", "/auth/error?error=UniAuthUnavailable", "/auth/error?error=UniAuthBusy&retryAfter=240", "/auth/error", "/signed-out", "/unavailable", "/no-such-page"]) {
  test(`a visitor's ${path} passes axe`, async ({ page }) => {
    await expectAccessible(page, path);
  });
}

for (const path of ["/", "/dashboard", "/admin", "/confirm", "/auth/error?error=AnotherAccount&callbackUrl=/dashboard"]) {
  test(`a signed-in member's ${path} passes axe`, async ({ page }) => {
    await signInAs(page, "member");
    await expectAccessible(page, path);
  });
}

for (const path of ["/dashboard", "/admin", "/admin?kind=signin.accepted&user=ada@example.com", "/confirm?callbackUrl=/admin"]) {
  test(`a superuser's ${path} passes axe`, async ({ page }) => {
    // Signed in a while ago: /admin asks to confirm it's you, and shows the audit trail.
    await signInAs(page, "admin", { minutesAgo: 11 });
    await expectAccessible(page, path);
  });
}
