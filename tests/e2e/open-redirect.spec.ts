import { testEnv } from "../support/env";
import { OPEN_REDIRECT_PAYLOADS } from "../support/open-redirect";
import { attemptSignIn, expect, signInAs, signInOverHttp, test } from "./fixtures";

// Every payload meets the redirect logic itself in tests/unit/lib/auth/redirect.test.ts; here they go through the
// whole sign-in (the sign-in page's form, the action, Auth.js's redirect callback) in one browser, one after another.
test("callbackUrl payloads end on this origin after a sign-in", async ({ page, context, baseURL }) => {
  const uniauthPort = new URL(testEnv("UNIAUTH_ISSUER")).port;
  for (const [n, payload] of OPEN_REDIRECT_PAYLOADS.entries()) {
    await test.step(`callbackUrl ${JSON.stringify(payload)}`, async () => {
      // Signed out of the app, still signed in at UniAuth after the first: each round trip after it skips the picker.
      await context.clearCookies({ name: /authjs\.session-token/ });
      await page.goto(`/signin?callbackUrl=${encodeURIComponent(payload)}`);
      if (n === 0) {
        await attemptSignIn(page, "member");
      } else {
        await page.getByRole("button", { name: "Sign in with UniAuth" }).click();
        await page.waitForURL((url) => url.port !== uniauthPort && url.pathname !== "/signin" && !url.pathname.startsWith("/api/auth/"));
      }
      expect(new URL(page.url()).origin).toBe(baseURL);
    });
  }
});

test("a signed-in visitor to /signin is redirected on this origin only", async ({ page, baseURL }) => {
  await signInOverHttp(page, "member");
  for (const payload of ["/.//evil.example", "/%2e//evil.example", "//evil.example", "https://evil.example"]) {
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(payload)}`);
    expect(new URL(page.url()).origin).toBe(baseURL);
  }
});

test("a same-origin callbackUrl is honoured", async ({ page }) => {
  await page.goto(`/signin?callbackUrl=${encodeURIComponent("/dashboard?tab=sessions")}`);
  await signInAs(page, "member");
  await expect(page).toHaveURL("/dashboard?tab=sessions");
});
