import type { APIResponse, Page } from "@playwright/test";
import { testEnv } from "../support/env";
import { expect, signInOverHttp, test } from "./fixtures";

const uniauthOrigin = () => new URL(testEnv("UNIAUTH_ISSUER")).origin;

/** The policy every page must carry, directive by directive. */
function expectPagePolicy(response: APIResponse, referrerPolicy = "strict-origin-when-cross-origin") {
  const headers = response.headers();
  const policy = headers["content-security-policy"] ?? "";
  const directives = new Map(policy.split(";").map((directive) => {
    const [name, ...values] = directive.trim().split(/\s+/);
    return [name!, values];
  }));
  const nonce = expect.stringMatching(/^'nonce-[A-Za-z0-9+/]{22}=='$/);
  // Exactly these: no 'strict-dynamic' (trust passed on to scripts that scripts create), no eval, no host wildcard.
  expect(directives.get("script-src")).toEqual(["'self'", nonce, "'unsafe-inline'"]);
  expect(directives.get("style-src")).toEqual(["'self'", nonce]);
  // Style attributes only (React's `style` prop): no <style> element without the nonce, in production.
  expect(directives.get("style-src-attr")).toEqual(["'unsafe-inline'"]);
  expect(directives.has("style-src-elem")).toBe(false);
  expect(directives.get("default-src")).toEqual(["'self'"]);
  expect(directives.get("object-src")).toEqual(["'none'"]);
  expect(directives.get("base-uri")).toEqual(["'none'"]);
  expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
  expect(directives.get("form-action")).toEqual(["'self'", uniauthOrigin()]);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe(referrerPolicy);
  for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"]) expect(headers["permissions-policy"]).toContain(`${feature}=()`);
  expect(headers["cross-origin-opener-policy"]).toBe("same-origin");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["strict-transport-security"]).toBe("max-age=63072000");
}

async function get(page: Page, path: string, headers: Record<string, string> = {}) {
  return page.request.get(path, { headers, maxRedirects: 0 });
}

test("every page answers with the security headers and a fresh nonce", async ({ page, newBrowser }) => {
  for (const path of ["/", "/signin", "/auth/error?error=EmailUnverified", "/dashboard", "/admin", "/no-such-page", "/favicon.ico"]) {
    await test.step(`anonymous ${path}`, async () => expectPagePolicy(await get(page, path)));
  }
  // UniAuth sends the browser back here with `state` in the URL: it must not travel on in a Referer.
  await test.step("anonymous /signed-out", async () => expectPagePolicy(await get(page, "/signed-out?state=abc"), "no-referrer"));
  const first = (await get(page, "/")).headers()["content-security-policy"];
  expect((await get(page, "/")).headers()["content-security-policy"], "a new nonce per request").not.toBe(first);

  await signInOverHttp(page, "member");
  for (const path of ["/", "/dashboard", "/admin", "/forbidden"]) {
    await test.step(`member ${path}`, async () => expectPagePolicy(await get(page, path)));
  }
  await test.step("admin /admin", async () => {
    const admin = await newBrowser();
    await signInOverHttp(admin, "admin");
    const response = await get(admin, "/admin");
    expect(response.status()).toBe(200);
    expectPagePolicy(response);
  });
  await test.step("the RSC variant of /dashboard", async () => {
    // Next.js redirects an RSC request without its cache-busting `_rsc` parameter to one with it: follow that.
    const response = await page.request.get("/dashboard", { headers: { RSC: "1" } });
    expect(response.headers()["content-type"]).toContain("text/x-component");
    expectPagePolicy(response);
  });
  await test.step("the nonce is on Next.js's scripts", async () => {
    const response = await get(page, "/dashboard");
    const nonce = /'nonce-([^']+)'/.exec(response.headers()["content-security-policy"]!)![1]!;
    const scripts = [...(await response.text()).matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });
});

test("route handlers keep their answers and get headers that let nothing run or frame them", async ({ page }) => {
  const response = await page.request.post("/api/auth/backchannel-logout", { form: { logout_token: "not-a-jwt" } });
  expect(response.status()).toBe(400);
  expect(await response.json()).toMatchObject({ error: "invalid_request" });
  expect(response.headers()["cache-control"]).toBe("no-store");
  expect(response.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(response.headers()["x-content-type-options"]).toBe("nosniff");

  // feature:frontchannel-logout begin
  const frontChannel = await page.request.get("/api/auth/frontchannel-logout?iss=x");
  expect(frontChannel.headers()["content-security-policy"]).toBe(`frame-ancestors ${uniauthOrigin()}`);
  expect(frontChannel.headers()["x-frame-options"]).toBeUndefined();
  // feature:frontchannel-logout end
});

test("injected script does not run on /dashboard", async ({ page, policyViolations }) => {
  await signInOverHttp(page, "member");
  await page.addScriptTag({ content: "window.injected = true;" }).catch(() => undefined);
  await page.evaluate(() => document.body.insertAdjacentHTML("beforeend", '<img src="/no-such.png" alt="" onerror="window.handlerRan = true">'));
  await expect.poll(() => policyViolations.length).toBeGreaterThanOrEqual(2);
  const ran = await page.evaluate(() => {
    const { injected, handlerRan } = window as unknown as { injected?: true; handlerRan?: true };
    return { injected, handlerRan };
  });
  expect(ran.injected, "a script tag added to the page").toBeUndefined();
  expect(ran.handlerRan, "an inline event handler").toBeUndefined();
  expect(policyViolations.join("\n")).toMatch(/script-src-elem blocked inline[\s\S]*script-src-attr blocked inline/);
  policyViolations.length = 0;
});

test("another origin cannot frame /dashboard (UniAuth can frame the front-channel receiver)", async ({ page }) => {
  await signInOverHttp(page, "member");
  const framing = (target: string) => `<!doctype html><title>framing</title><iframe src="${target}" title="framed"></iframe>`;
  const app = new URL(page.url()).origin;

  await page.route("http://attacker.test/", (route) => route.fulfill({ contentType: "text/html", body: framing(`${app}/dashboard`) }));
  await page.goto("http://attacker.test/");
  // Not the dashboard, nor the sign-in page it redirects to without cookies: nothing of the app renders.
  await expect(page.frameLocator("iframe").getByRole("heading")).toHaveCount(0);

  // feature:frontchannel-logout begin
  // The control: the same page served from UniAuth's origin frames the receiver that allows it.
  const receiver = `${app}/api/auth/frontchannel-logout?iss=${encodeURIComponent(testEnv("UNIAUTH_ISSUER"))}&sid=no-such-sid`;
  await page.route(`${uniauthOrigin()}/framing-test`, (route) => route.fulfill({ contentType: "text/html", body: framing(receiver) }));
  await page.goto(`${uniauthOrigin()}/framing-test`);
  await expect(page.frameLocator("iframe").locator("body")).toContainText("signed out");
  // feature:frontchannel-logout end

  // And proof that this test can fail: without the app's framing headers, the same page renders in the frame.
  await page.route(`${app}/**`, async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    const { "x-frame-options": _, "content-security-policy": policy = "", ...headers } = response.headers();
    await route.fulfill({ response, headers: { ...headers, "content-security-policy": policy.replace("frame-ancestors 'none'", "frame-ancestors *") } });
  });
  await page.goto("http://attacker.test/");
  await expect(page.frameLocator("iframe").getByRole("heading").first()).toBeVisible();
  // The framed page goes on prefetching through the route above: let those requests go when the test ends.
  await page.unrouteAll({ behavior: "ignoreErrors" });
});

test("Auth.js's own pages and JSON are never cached", async ({ page }) => {
  for (const path of ["/api/auth/signout", "/api/auth/providers", "/api/auth/session", "/api/auth/csrf"]) {
    const response = await page.request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBeLessThan(400);
    expect(response.headers()["cache-control"], path).toBe("no-store");
  }
});

test("the sign-in error page looks messages up as its own keys only", async ({ page }) => {
  for (const code of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
    await page.goto(`/auth/error?error=${code}`);
    await expect(page.getByRole("heading", { name: "Sign-in failed" }), code).toBeVisible();
  }
  // Control: a known code has its own message.
  await page.goto("/auth/error?error=EmailUnverified");
  await expect(page.getByRole("heading", { name: "Your email address is not verified" })).toBeVisible();
});
