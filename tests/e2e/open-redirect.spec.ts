import { attemptSignIn, expect, signInAs, test } from "./fixtures";

const PAYLOADS = [
  "https://evil.example",
  "//evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "javascript:alert(document.domain)",
  "https:evil.example",
  "/%2F%2Fevil.example",
  "%2F%2Fevil.example",
  "/%5Cevil.example",
  "http://localhost.evil.example/dashboard",
  " //evil.example",
  "/\t/evil.example",
];

for (const payload of PAYLOADS) {
  test(`callbackUrl ${JSON.stringify(payload)} ends on this origin`, async ({ page, baseURL }) => {
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(payload)}`);
    await attemptSignIn(page, "member");
    expect(new URL(page.url()).origin).toBe(baseURL);
  });
}

test("a signed-in visitor to /signin is redirected on this origin only", async ({ page, baseURL }) => {
  await signInAs(page, "member");
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
