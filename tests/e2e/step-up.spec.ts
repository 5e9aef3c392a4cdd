import type { Page } from "@playwright/test";
import type pg from "pg";
import { testEnv } from "../support/env";
import { localUniAuth } from "../support/uniauth";
import {
  endAllSessions,
  endAllSessionsActionField,
  expect,
  pickAtUniAuth,
  sessionsOf,
  signInAs,
  signInOverHttp,
  startInstance,
  test,
  trailMark, // feature:audit-trail
  trailSince, // feature:audit-trail
  userIdOf,
} from "./fixtures";

const ADA = "ada@example.com";
const MIA = "mia@example.com";
const SAM = "sam@example.com";
const MFA = "urn:uniauth:acr:mfa";
const MINUTE = 60_000;

/** The authentication context of a user's Session rows, as the app stored it from the ID tokens. */
async function authContexts(db: pg.Pool, email: string) {
  const { rows } = await db.query<{ id: string; authTime: number | null; acr: string | null; amr: string[] }>(
    `select s.id, extract(epoch from s."authTime")::float8 * 1000 as "authTime", s.acr, s.amr
     from "Session" s join "User" u on u.id = s."userId" where u.email = $1 order by s."createdAt"`,
    [email],
  );
  return rows;
}

const STEP_UP_COOKIE = "uniauth.step-up";
const stepUpCookies = async (page: Page) => (await page.context().cookies()).filter((cookie) => cookie.name === STEP_UP_COOKIE);

const confirmNotice = "Ending a user's sessions is sensitive: it needs a UniAuth sign-in in the last 10 minutes";
const endMiasSessions = { name: `End all sessions of ${MIA}` };

test.beforeEach(async ({ db }) => endAllSessions(db, ADA));

test("a superuser who signed in 11 minutes ago confirms it's them at UniAuth, then ends a user's sessions", async ({ page, newBrowser, db }) => {
  await endAllSessions(db, MIA);
  const member = await newBrowser();
  await signInOverHttp(member, "member");
  const mark = await trailMark(db); // feature:audit-trail
  await signInAs(page, "admin", { minutesAgo: 11 });
  const [signedIn] = await authContexts(db, ADA);
  expect(signedIn!.authTime).toBeGreaterThan(Date.now() - 12 * MINUTE);
  expect(signedIn!.authTime).toBeLessThan(Date.now() - 10 * MINUTE);

  await page.goto("/admin");
  await expect(page.getByText(confirmNotice)).toBeVisible();
  await page.getByRole("button", endMiasSessions).click();
  await expect(page).toHaveURL(/\/confirm\?callbackUrl=%2Fadmin$/);
  await expect(page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible();
  expect(await sessionsOf(db, MIA)).toHaveLength(1);

  const replaced = (await sessionsOf(db, ADA))[0]!.refreshToken!;
  const uniauthMark = Date.now();
  await page.getByRole("button", { name: "Confirm it's you" }).click();
  await expect(page.getByRole("heading", { name: /Sign in to/ })).toBeVisible();
  // Encrypted, so the browser can neither read nor move the moment the step-up began.
  const [marker] = await stepUpCookies(page);
  expect(marker).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  expect(marker!.value.split(".")).toHaveLength(5);
  // UniAuth's session is alive, yet it asks again: max_age=0.
  await pickAtUniAuth(page, "admin");
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByText(/You have confirmed it's you: ending sessions is allowed until/)).toBeVisible();
  // The app's authorization request (the other is its bare check that UniAuth is up) asked for a new sign-in.
  const authorize = (await localUniAuth.events(uniauthMark)).filter((event) => event.type === "authorize" && event.detail.client_id);
  expect(authorize.map(({ detail }) => [detail.max_age, detail.prompt])).toEqual([["0", "login"]]);
  // The same session, no second one: its authentication context renewed.
  const [confirmed, ...others] = await authContexts(db, ADA);
  expect(others).toEqual([]);
  expect(confirmed!.id).toBe(signedIn!.id);
  expect(confirmed!.authTime).toBeGreaterThan(Date.now() - MINUTE);
  expect(await stepUpCookies(page)).toEqual([]);
  // The session holds the new grant's tokens; the replaced grant's refresh token is revoked at UniAuth.
  const current = (await sessionsOf(db, ADA))[0]!.refreshToken!;
  expect(current).not.toBe(replaced);
  expect(await localUniAuth.isActive(replaced)).toBe(false);
  expect(await localUniAuth.isActive(current)).toBe(true);

  await page.getByRole("button", endMiasSessions).click();
  await expect(page.getByRole("button", endMiasSessions)).toHaveCount(0);
  expect(await sessionsOf(db, MIA)).toEqual([]);

  const ada = await userIdOf(db, ADA); // feature:audit-trail
  const mia = await userIdOf(db, MIA);
  // feature:audit-trail begin
  expect(await trailSince(db, mark)).toEqual([
    expect.objectContaining({ kind: "signin.accepted", userId: ada, sessionId: signedIn!.id, detail: { acr: "urn:uniauth:acr:pwd", amr: ["pwd"] } }),
    expect.objectContaining({ kind: "stepup.required", userId: ada, sessionId: signedIn!.id }),
    expect.objectContaining({ kind: "stepup.accepted", userId: ada, sessionId: signedIn!.id, detail: { acr: "urn:uniauth:acr:pwd", amr: ["pwd"] } }),
    expect.objectContaining({ kind: "sessions.ended_by_admin", actorUserId: ada, userId: mia, detail: expect.objectContaining({ sessionsEnded: 1 }) }),
  ]);
  // feature:audit-trail end
  // feature:token-budget begin
  // Her device cookies name no row now: a copied one is worth nothing.
  expect((await db.query(`select count(*)::int as n from "KnownDevice" where "userId" = $1`, [mia])).rows).toEqual([{ n: 0 }]);
  // feature:token-budget end
});

test("a confirmation by another UniAuth account is refused: the browser is not signed in as that account", async ({ page, db }) => {
  await signInOverHttp(page, "admin", { minutesAgo: 11 });
  const [ada] = await authContexts(db, ADA);
  const samSessions = await sessionsOf(db, SAM);
  const mark = await trailMark(db); // feature:audit-trail

  await page.goto("/confirm?callbackUrl=/admin");
  await page.getByRole("button", { name: "Confirm it's you" }).click();
  await pickAtUniAuth(page, "staff");
  await expect(page.getByRole("heading", { name: "That was a different UniAuth account" })).toBeVisible();
  expect(await sessionsOf(db, SAM)).toEqual(samSessions);
  // Signing in as Sam ended Ada's session at UniAuth, which told the app by back-channel logout: that is
  // UniAuth's call. The app refused the step-up, so the browser is signed in as nobody, not as Sam.
  expect(await authContexts(db, ADA)).toEqual([]);
  const adaId = await userIdOf(db, ADA); // feature:audit-trail
  const trail = await trailSince(db, mark); // feature:audit-trail
  expect(trail).toHaveLength(2); // feature:audit-trail
  // feature:audit-trail begin
  expect(trail).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ kind: "logout.backchannel", userId: adaId, detail: { sessionsEnded: 1 } }),
      expect.objectContaining({ kind: "stepup.refused", userId: adaId, sessionId: ada!.id, detail: { reason: "AnotherAccount" } }),
    ]),
  );
  // feature:audit-trail end
  expect(await stepUpCookies(page)).toEqual([]);
  await page.getByRole("link", { name: "Back" }).click();
  await expect(page).toHaveURL(/\/signin\?reason=session-ended/);
});

test("a step-up that comes back with an earlier sign-in is refused: auth_time is checked, not assumed", async ({ page, db }) => {
  await signInOverHttp(page, "admin", { minutesAgo: 30 });
  const before = await authContexts(db, ADA);
  const mark = await trailMark(db); // feature:audit-trail

  await page.goto("/confirm?callbackUrl=/admin");
  await page.getByRole("button", { name: "Confirm it's you" }).click();
  // The stand-in lets this sign-in claim to be 11 minutes old, as a UniAuth ignoring max_age=0 would answer.
  await pickAtUniAuth(page, "admin", { minutesAgo: 11 });
  await expect(page.getByRole("heading", { name: "UniAuth did not confirm a new sign-in" })).toBeVisible();
  expect(await authContexts(db, ADA)).toEqual(before);
  // feature:audit-trail begin
  expect(await trailSince(db, mark)).toEqual([
    expect.objectContaining({ kind: "stepup.refused", sessionId: before[0]!.id, detail: { reason: "AuthTimeStale" } }),
  ]);
  // feature:audit-trail end
  await page.getByRole("link", { name: "Back" }).click();
  await expect(page.getByText(confirmNotice)).toBeVisible();
});

test("a step-up whose session ended meanwhile signs the same user in afresh, with one new session", async ({ page, db }) => {
  await signInOverHttp(page, "admin", { minutesAgo: 11 });
  const [ended] = await authContexts(db, ADA);
  await page.goto("/confirm?callbackUrl=/admin");
  await page.getByRole("button", { name: "Confirm it's you" }).click();
  // Once the step-up is under way (UniAuth asks), not while the action may still be checking the session.
  await expect(page.getByRole("heading", { name: /Sign in to/ })).toBeVisible();
  await endAllSessions(db, ADA);
  const mark = await trailMark(db); // feature:audit-trail
  await pickAtUniAuth(page, "admin");

  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByText(/You have confirmed it's you/)).toBeVisible();
  const [fresh, ...others] = await authContexts(db, ADA);
  expect(others).toEqual([]);
  expect(fresh!.id).not.toBe(ended!.id);
  expect((await trailSince(db, mark)).map((row) => row.kind)).toEqual(["signin.accepted"]); // feature:audit-trail
});

test("a direct POST of the action without a recent sign-in is refused, and ends nothing", async ({ page, newBrowser, baseURL, db }) => {
  const member = await newBrowser();
  await signInOverHttp(member, "member");
  await signInOverHttp(page, "admin", { minutesAgo: 11 });
  const field = await endAllSessionsActionField(page.request);
  const before = await sessionsOf(db, MIA);
  const mark = await trailMark(db); // feature:audit-trail

  const response = await page.request.post("/admin", {
    multipart: { [field]: "", userId: await userIdOf(db, MIA) },
    headers: { origin: baseURL!, referer: `${baseURL}/admin` },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(303);
  expect(response.headers().location).toBe("/confirm?callbackUrl=%2Fadmin");
  expect(await sessionsOf(db, MIA)).toEqual(before);
  expect((await trailSince(db, mark)).map((row) => row.kind)).toEqual(["stepup.required"]); // feature:audit-trail
});

test("with STEP_UP_ACR set, a sign-in without MFA is not enough and one with MFA is", async ({ page, db }) => {
  test.setTimeout(90_000);
  const port = Number(testEnv("E2E_PORT")) + 2;
  const app = await startInstance(port, { STEP_UP_ACR: MFA, AUTH_URL: `http://localhost:${port}` });
  try {
    await signInOverHttp(page, "admin", { mfa: false, origin: app.origin });
    await page.goto(`${app.origin}/admin`);
    await expect(page.getByText(`${confirmNotice}, with password and MFA.`)).toBeVisible();

    await page.getByRole("button", { name: "Confirm it's you" }).click();
    // The app asked for MFA (acr_values), so the picker offers it; the user signs in without it all the same.
    await expect(page.getByRole("checkbox", { name: /With MFA/ })).toBeChecked();
    await pickAtUniAuth(page, "admin", { mfa: false });
    await expect(page.getByRole("heading", { name: "That action needs a stronger sign-in" })).toBeVisible();
    expect((await authContexts(db, ADA)).map((session) => session.acr)).toEqual(["urn:uniauth:acr:pwd"]);

    await page.getByRole("button", { name: "Confirm it's you" }).click();
    await pickAtUniAuth(page, "admin", { mfa: true });
    await expect(page).toHaveURL(`${app.origin}/admin`);
    await expect(page.getByText(/You have confirmed it's you/)).toBeVisible();
    expect(await authContexts(db, ADA)).toEqual([expect.objectContaining({ acr: MFA, amr: ["pwd", "otp", "mfa"] })]);

    await page.goto(`${app.origin}/dashboard`);
    await expect(page.getByRole("cell", { name: /password and MFA \(pwd, otp, mfa\)/ })).toBeVisible();
  } finally {
    await app.stop();
  }
});
