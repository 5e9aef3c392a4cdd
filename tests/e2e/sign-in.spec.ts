import { randomBytes } from "node:crypto";
import { localUniAuth } from "../support/uniauth";
import { SMOKE, expect, sawTokens, signInAs, test } from "./fixtures";

test("a member signs in with UniAuth and sees their dashboard", SMOKE, async ({ page, db }) => {
  const before = Date.now();

  await test.step("sign in from a protected page", async () => {
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fdashboard$/);
    await signInAs(page, "member");
    await expect(page).toHaveURL("/dashboard");
  });

  await test.step("the dashboard shows who is signed in", async () => {
    const main = page.getByRole("main");
    await expect(main).toContainText("mia@example.com");
    await expect(main.getByText("member", { exact: true })).toBeVisible();
    await expect(page.getByRole("banner")).toContainText("Mia Member");
  });

  await test.step("a Session row holds UniAuth's sid", async () => {
    const { rows } = await db.query<{ sid: string | null; refresh: boolean }>(
      `select s.sid, s."refreshToken" is not null as refresh from "Session" s join "User" u on u.id = s."userId"
       where u.email = $1 and s."createdAt" >= $2`,
      ["mia@example.com", new Date(before)],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.sid).toMatch(/^\S{10,}$/);
    expect(rows[0]!.refresh).toBe(true);
  });

  await test.step("UniAuth received PKCE S256, state and nonce", async () => {
    const authorize = (await localUniAuth.events(before)).filter((event) => event.type === "authorize");
    // feature:uniauth-outage begin
    // First the click's bare check that UniAuth answers (no parameters: 400).
    expect(authorize.shift()!.detail).toEqual({ status: 400 });
    // feature:uniauth-outage end
    expect(authorize).toHaveLength(1);
    expect(authorize[0]!.detail).toMatchObject({
      response_type: "code",
      code_challenge_method: "S256",
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      state: expect.stringMatching(/.{16,}/),
      nonce: expect.stringMatching(/.{16,}/),
      scope: "openid profile email groups",
    });
  });
});

test("the session the browser can read holds the user's profile and roles, never a token", async ({ page }) => {
  await signInAs(page, "admin");
  const session = await (await page.request.get("/api/auth/session")).json();
  expect(Object.keys(session).sort()).toEqual(["expires", "sessionId", "sessionStartedAt", "user"]);
  expect(Object.keys(session.user).sort()).toEqual(["email", "groups", "id", "image", "isStaff", "isSuperuser", "name"]);
  expect(session.user).toMatchObject({ email: "ada@example.com", groups: ["admin", "engineering"], isStaff: true, isSuperuser: true });
  // No JWT (ID or access token) and no opaque refresh token anywhere in it.
  expect(JSON.stringify(session)).not.toMatch(/eyJ[\w-]+\.[\w-]+|refresh|access_token|id_token/i);
  const cookie = (await page.context().cookies()).find((c) => c.name.endsWith("authjs.session-token"))!;
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });
});

test("deleting the Session row signs the browser out on its next request", async ({ page, db }) => {
  await signInAs(page, "member");
  const cookies = await page.context().cookies();
  expect(cookies.some((cookie) => cookie.name.endsWith("authjs.session-token"))).toBe(true);

  const { rowCount } = await db.query(`delete from "Session" where "userId" = (select id from "User" where email = $1)`, [
    "mia@example.com",
  ]);
  expect(rowCount).toBeGreaterThan(0);

  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByText("mia@example.com")).toHaveCount(0);
});

test("the home page shows both signed-out and signed-in states", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("link", { name: "Sign in with UniAuth" })).toBeVisible();
  await signInAs(page, "member");
  await page.goto("/");
  await expect(page.getByText("You are signed in as Mia Member")).toBeVisible();
});

test("a callback this browser did not start is refused, and its code goes no further", async ({ page }) => {
  const code = randomBytes(32).toString("base64url");
  sawTokens(code);
  const since = Date.now();
  await page.goto(`/api/auth/callback/uniauth?code=${code}&state=${randomBytes(16).toString("base64url")}`);
  await expect(page).toHaveURL(/\/auth\/error\?error=Configuration$/);
  await expect(page.getByRole("heading", { name: "Sign-in is not available right now" })).toBeVisible();
  // Refused before any code exchange: the state check failed (no state cookie here).
  expect((await localUniAuth.events(since)).filter((event) => event.type === "token")).toEqual([]);
});
