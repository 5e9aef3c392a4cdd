import { randomUUID } from "node:crypto";
import { logoutClaims, mintLogoutToken } from "../support/logout-token";
import { localUniAuth } from "../support/uniauth";
import { endAllSessions, expect, makeRolesDue, sessionsOf, signInOverHttp, test } from "./fixtures";

// On Vercel any request may land on any instance. Here two `next start` processes of one build share one database:
// the first at baseURL, the second at `secondInstance`. The session cookie is host-only on localhost, and cookies
// ignore the port, so one browser is signed in on both.

const EMAIL = "mia@example.com";

const sessionCookies = (cookies: { name: string }[]) => cookies.filter((cookie) => cookie.name.includes("authjs.session-token"));

test("50 concurrent requests with the roles due, split across two instances: one token call, all succeed, the refresh token rotates", async ({ page, db, baseURL, secondInstance }) => {
  await endAllSessions(db, EMAIL);
  await signInOverHttp(page, "member");
  const [session] = await sessionsOf(db, EMAIL);

  await test.step("the cookie from the first instance is signed in on the second", async () => {
    expect(sessionCookies(await page.context().cookies(secondInstance))).toHaveLength(1);
    const response = await page.request.get(`${secondInstance}/dashboard`, { maxRedirects: 0 });
    expect(response.status()).toBe(200);
    expect(await response.text()).toContain("Session started");
  });

  await test.step("50 requests with the roles due, every other one to the second instance: one token call, 50 signed-in pages", async () => {
    await makeRolesDue(db, session!.id);
    const since = Date.now();
    const origins = Array.from({ length: 50 }, (_, i) => (i % 2 ? secondInstance : baseURL!));
    const signedIn = await Promise.all(
      origins.map(async (origin) => {
        const response = await page.request.get(`${origin}/dashboard`, { maxRedirects: 0 });
        return response.status() === 200 && (await response.text()).includes("Session started");
      }),
    );
    // The refresh runs after the responses, on whichever instance won the lease.
    await expect.poll(async () => (await sessionsOf(db, EMAIL))[0]!.rolesReadAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    const tokenCalls = (await localUniAuth.events(since)).filter((event) => event.type === "token");
    const counts = {
      signedInOnFirst: signedIn.filter((ok, i) => ok && origins[i] === baseURL).length,
      signedInOnSecond: signedIn.filter((ok, i) => ok && origins[i] === secondInstance).length,
      tokenCalls: tokenCalls.map((call) => call.detail),
    };
    console.log(`two instances, 50 requests with the roles due: ${JSON.stringify(counts)}`);
    expect(counts).toEqual({ signedInOnFirst: 25, signedInOnSecond: 25, tokenCalls: [{ status: 200, grant_type: "refresh_token" }] });
  });

  await test.step("the row holds the rotated refresh token: UniAuth takes it, and no longer the old one", async () => {
    const [after] = await sessionsOf(db, EMAIL);
    expect(after!.refreshToken).not.toBe(session!.refreshToken);
    expect(after!.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
    expect(await localUniAuth.isActive(after!.refreshToken!)).toBe(true);
    expect(await localUniAuth.isActive(session!.refreshToken!)).toBe(false);
  });
});

test("a session ended on one instance is gone on the other, and a logout token used on one is a replay on the other", async ({ page, db, secondInstance }) => {
  await endAllSessions(db, EMAIL);
  await signInOverHttp(page, "member");
  const [session] = await sessionsOf(db, EMAIL);
  const welcome = page.getByRole("heading", { name: "Welcome, Mia Member" });

  await test.step("the second instance shows the dashboard (and now has this cookie in its cache)", async () => {
    await page.goto(`${secondInstance}/dashboard`);
    await expect(welcome).toBeVisible();
  });

  const claims = logoutClaims({ sid: session!.sid });
  const logoutToken = await mintLogoutToken(claims);
  await test.step("the first instance accepts a logout token for the session: 200, the row is gone", async () => {
    const response = await page.request.post("/api/auth/backchannel-logout", { form: { logout_token: logoutToken }, maxRedirects: 0 });
    expect(response.status()).toBe(200);
    expect(await sessionsOf(db, EMAIL)).toEqual([]);
  });

  await test.step("the second instance sends the browser to sign in and clears the cookie", async () => {
    await page.goto(`${secondInstance}/dashboard`);
    await expect(page).toHaveURL(`${secondInstance}/signin?reason=session-ended`);
    await expect(page.getByRole("status")).toContainText("Your session has ended");
    expect(sessionCookies(await page.context().cookies())).toEqual([]);
  });

  const [again] = await test.step("the browser signs in again in the same UniAuth session: a new row, the same sid", async () => {
    await page.goto("/signin");
    await page.getByRole("button", { name: "Sign in with UniAuth" }).click();
    await expect(welcome).toBeVisible();
    const rows = await sessionsOf(db, EMAIL);
    expect(rows.map((row) => row.sid)).toEqual([session!.sid]);
    return rows;
  });

  await test.step("the second instance refuses the same logout token as a replay: 400, the new session stays", async () => {
    const response = await page.request.post(`${secondInstance}/api/auth/backchannel-logout`, { form: { logout_token: logoutToken }, maxRedirects: 0 });
    expect(response.status()).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_request", error_description: expect.stringContaining("already used") });
    expect((await sessionsOf(db, EMAIL)).map((row) => row.id)).toEqual([again!.id]);
    await page.goto(`${secondInstance}/dashboard`);
    await expect(welcome).toBeVisible();
  });

  await test.step("only the jti stood in the way: the same claims under a new jti end the new session", async () => {
    const response = await page.request.post(`${secondInstance}/api/auth/backchannel-logout`, {
      form: { logout_token: await mintLogoutToken({ ...claims, jti: randomUUID() }) },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(200);
    expect(await sessionsOf(db, EMAIL)).toEqual([]);
  });
});
