import { spawn } from "node:child_process";
import { once } from "node:events";
import { appendFileSync, mkdirSync } from "node:fs";
import { appendFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { test as base, expect, type APIRequestContext, type BrowserContext, type BrowserContextOptions, type Page } from "@playwright/test";
import pg from "pg";
import { authSecrets } from "@/lib/auth-secrets";
import { type TokenCrypto, createTokenCrypto } from "@/lib/auth/core/session/token-crypto";
import { signInThroughApp } from "../../scripts/bench/sign-in";
import { testEnv } from "../support/env";
import { TEST_RESULTS } from "../support/test-results";

export { expect };
export { trailMark, trailSince } from "../support/audit-trail"; // feature:audit-trail

export const SEEDED = {
  admin: "Ada Admin",
  staff: "Sam Staff",
  member: "Mia Member",
  unverified: "Uma Unverified",
} as const;

export type SeededUser = keyof typeof SEEDED;

/**
 * The smoke journey: the tests so tagged (sign in, a role refresh, back-channel logout, sign out) are all the browser
 * part of the fast lane (`npm test -- fast`), which CI runs on the Node lines it does not run the whole suite on.
 */
export const SMOKE = { tag: "@smoke" };

/** How to sign in at the stand-in's picker: with MFA or not (unset: as the picker suggests), and how long ago. */
export interface UniAuthSignIn {
  mfa?: boolean;
  minutesAgo?: number;
}

/** At the local UniAuth's picker: signs in as `user`, then waits to be back at the app. */
export async function pickAtUniAuth(page: Page, user: SeededUser, { mfa, minutesAgo = 0 }: UniAuthSignIn = {}): Promise<void> {
  if (minutesAgo) await page.getByRole("spinbutton").fill(String(minutesAgo));
  if (mfa !== undefined) await page.getByRole("checkbox", { name: /With MFA/ }).setChecked(mfa);
  await page.getByRole("button", { name: new RegExp(SEEDED[user]) }).click();
  await page.waitForURL((url) => url.port !== new URL(testEnv("UNIAUTH_ISSUER")).port);
}

/** Goes through the real flow (app sign-in page → local UniAuth → callback) and stops wherever the app lands. */
export async function attemptSignIn(page: Page, user: SeededUser, how?: UniAuthSignIn): Promise<void> {
  if (!page.url().includes("/signin")) await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with UniAuth" }).click();
  await pickAtUniAuth(page, user, how);
}

/** Signs in and waits for the dashboard. */
export async function signInAs(page: Page, user: SeededUser, how?: UniAuthSignIn): Promise<void> {
  const started = Date.now();
  await attemptSignIn(page, user, how);
  await expect(page.getByRole("heading", { name: `Welcome, ${SEEDED[user]}` })).toBeVisible();
  await recordSignInTime(Date.now() - started);
}

/**
 * Signs in without the sign-in UI, for tests about something else: the same requests a browser makes (Auth.js's
 * sign-in POST, the local UniAuth's authorize and picker, the callback), over plain HTTP with a cookie jar
 * (scripts/bench/sign-in.ts), then the cookies (the app's session, UniAuth's session) into the page's browser
 * context, and the page opens the dashboard, as after signInAs. The user-agent is the browser's, as the app stores
 * it with the session. `origin`: another instance (default: the first). MFA only when asked for.
 */
export async function signInOverHttp(page: Page, user: SeededUser, { mfa, minutesAgo = 0, origin = testEnv("AUTH_URL") }: UniAuthSignIn & { origin?: string } = {}): Promise<void> {
  const jar = new Map<string, string>();
  const { landedOn } = await signInThroughApp(
    origin,
    user,
    { jar, headers: { "user-agent": await page.evaluate(() => navigator.userAgent) } },
    { login: { ...(mfa && { mfa: "yes" }), minutesAgo: String(minutesAgo) } },
  );
  expect(landedOn, `the sign-in of ${user} over HTTP`).toBe("/dashboard");
  // As a browser keeps them for localhost: one jar for every port, the app's cookies httpOnly and SameSite=Lax.
  await page.context().addCookies([...jar].map(([name, value]) => ({ name, value, url: origin, httpOnly: true, sameSite: "Lax" as const })));
  await page.goto(`${origin}/dashboard`);
  await expect(page.getByRole("heading", { name: `Welcome, ${SEEDED[user]}` })).toBeVisible();
}

// Collected for the sign-in round-trip figure that `npm test` prints at the end.
async function recordSignInTime(ms: number) {
  await mkdir(".local/test-results", { recursive: true });
  await appendFile(".local/test-results/sign-in-ms.txt", `${ms}\n`);
}

/** Records every Content-Security-Policy violation in any page or frame of the context. */
async function watchPolicy(context: BrowserContext, violations: string[]): Promise<void> {
  await context.exposeBinding("__reportPolicyViolation", ({ frame }, violation: string) => violations.push(`${violation} (on ${frame.url()})`));
  await context.addInitScript(() =>
    document.addEventListener("securitypolicyviolation", (event) =>
      (window as unknown as { __reportPolicyViolation(v: string): void }).__reportPolicyViolation(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`),
    ),
  );
}

export const test = base.extend<
  { newBrowser: (options?: BrowserContextOptions) => Promise<Page>; policyViolations: string[] },
  { db: pg.Pool; secondInstance: string }
>({
  /** The worker's own app (tests/support/env.ts gives each worker its world). */
  baseURL: async ({}, use) => use(testEnv("AUTH_URL")),
  /** Every journey must run without a single CSP violation; a test that provokes one on purpose empties this. */
  policyViolations: async ({}, use) => {
    const violations: string[] = [];
    await use(violations);
    expect(violations, "Content-Security-Policy violations").toEqual([]);
  },
  context: async ({ context, policyViolations }, use) => {
    await watchPolicy(context, policyViolations);
    await use(context);
    await sawCookies(context);
  },
  /**
   * A page left on an origin other than the app's (another instance, UniAuth) is closed when the test ends, and the
   * next test gets a new one: the test may have stopped that server while the page still loads from it. The sign-in
   * page after a session ended re-renders once (router.refresh), and when that fetch fails Next falls back to a full
   * navigation, which ends on Chrome's error page and would interrupt the next test's reset of the reused context.
   */
  page: async ({ page, baseURL }, use) => {
    await use(page);
    if (!page.isClosed() && page.url() !== "about:blank" && !page.url().startsWith(`${baseURL}/`)) await page.close();
  },
  /** Another browser (its own cookies and UniAuth session) per call, closed when the test ends. */
  newBrowser: async ({ browser, policyViolations }, use) => {
    const pages: Page[] = [];
    await use(async (options) => {
      const context = await browser.newContext(options);
      await watchPolicy(context, policyViolations);
      const page = await context.newPage();
      pages.push(page);
      return page;
    });
    for (const page of pages) {
      await sawCookies(page.context());
      await page.context().close();
    }
  },
  db: [
    async ({}, use) => {
      const pool = new pg.Pool({ connectionString: testEnv("DATABASE_URL"), max: 2 });
      await use(pool);
      await pool.end();
    },
    { scope: "worker" },
  ],
  /**
   * The origin of a second `next start` of the same build, with the same environment and database as the first
   * (baseURL), on the next port: two instances, as on Vercel, where any request may land on any of them.
   */
  secondInstance: [
    async ({}, use) => {
      const app = await startInstance(Number(testEnv("E2E_PORT")) + 1);
      await use(app.origin);
      await app.stop();
    },
    { scope: "worker", timeout: 90_000 },
  ],
});

/**
 * Another `next start` of the same build on `port`, with the tests' environment and `overrides` (a dead database,
 * say), and its own in-process caches (discovery not fetched yet). Resolves once it serves the home page.
 */
export async function startInstance(
  port: number,
  overrides: Record<string, string> = {},
  /** `next start -H <host>`, and the origin the tests use (default: no -H, localhost). */
  host?: string,
): Promise<{ origin: string; stop: () => Promise<void> }> {
  const origin = `http://${host ?? "localhost"}:${port}`;
  // Else the poll below would take the server already there (another test's) for this one.
  if (await fetch(origin).then(() => true, () => false)) throw new Error(`Port ${port} already serves something: cannot start an instance there.`);
  // Through the same wrapper as the first, so its output goes to the world's server log as well.
  const app = spawn(process.execPath, ["--import", "tsx", "scripts/e2e-server.ts", testEnv("E2E_SERVER_LOG"), "--port", String(port), ...(host ? ["-H", host] : [])], {
    env: { ...process.env, ...overrides },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = once(app, "exit");
  await Promise.race([
    expect.poll(() => fetch(origin).then((response) => response.ok, () => false), { timeout: 60_000 }).toBe(true),
    exited.then(([code]) => Promise.reject(new Error(`The instance on port ${port} (next start) exited with ${code}.`))),
  ]);
  return {
    origin,
    stop: async () => {
      if (app.exitCode === null && app.signalCode === null) app.kill();
      await exited;
    },
  };
}

/** Notes tokens a test has seen, for the last check: none of them may appear in the app's logs. */
export function sawTokens(...tokens: (string | null | undefined)[]): void {
  const seen = tokens.filter((token): token is string => !!token);
  if (!seen.length) return;
  mkdirSync(path.dirname(TEST_RESULTS.seenTokens), { recursive: true });
  appendFileSync(TEST_RESULTS.seenTokens, seen.map((token) => `${token}\n`).join(""));
}

async function sawCookies(context: BrowserContext): Promise<void> {
  sawTokens(...(await context.cookies()).filter((cookie) => !cookie.name.includes("callback-url")).map((cookie) => cookie.value));
}

const tokenCrypto = createTokenCrypto(authSecrets(process.env));

/** The app's token encryption, with the secrets the app under test runs with; what it decrypts is noted as seen. */
export const storedTokens: TokenCrypto = {
  ...tokenCrypto,
  decrypt: (id, column, stored) => {
    const token = tokenCrypto.decrypt(id, column, stored);
    sawTokens(token);
    return token;
  },
};

export interface SessionRow {
  id: string;
  sid: string | null;
  /** Decrypted, as the app would use it. */
  refreshToken: string | null;
  /** The token columns exactly as stored. */
  stored: { idToken: string | null; accessToken: string | null; refreshToken: string | null };
  accessTokenExpiresAt: Date | null;
  refreshLeaseUntil: Date | null;
  /** After a failed refresh: none is tried before this. */
  refreshRetryAt: Date | null;
  /** When the roles were last read from UniAuth (sign-in, step-up, refresh). */
  rolesReadAt: Date;
}

/** Makes a session's roles older than ROLES_MAX_AGE_SECONDS (an hour): its next page view refreshes it, after the response. */
export async function makeRolesDue(db: pg.Pool, sessionId: string): Promise<void> {
  await db.query(`update "Session" set "rolesReadAt" = (now() at time zone 'utc') - interval '61 minutes' where id = $1`, [sessionId]);
}

/** The Session rows of a seeded user, straight from the database (the refresh token decrypted; all three seen). */
export async function sessionsOf(db: pg.Pool, email: string): Promise<SessionRow[]> {
  const { rows } = await db.query<Omit<SessionRow, "stored" | "refreshToken"> & SessionRow["stored"]>(
    `select s.id, s.sid, s."idToken", s."accessToken", s."refreshToken", s."accessTokenExpiresAt", s."refreshLeaseUntil", s."refreshRetryAt", s."rolesReadAt"
     from "Session" s join "User" u on u.id = s."userId" where u.email = $1 order by s."createdAt"`,
    [email],
  );
  return rows.map(({ idToken, accessToken, refreshToken, ...row }) => {
    for (const [column, stored] of [["idToken", idToken], ["accessToken", accessToken]] as const) {
      try {
        if (stored) storedTokens.decrypt(row.id, column, stored);
      } catch {
        // Under a secret a test removed: not this function's business.
      }
    }
    return { ...row, refreshToken: refreshToken && storedTokens.decrypt(row.id, "refreshToken", refreshToken), stored: { idToken, accessToken, refreshToken } };
  });
}

/**
 * The hidden field that names the "End all sessions" server action on /admin, as `request` (a superuser) sees it:
 * posting it with a `userId` calls the action directly, without the page.
 */
export async function endAllSessionsActionField(request: APIRequestContext): Promise<string> {
  const html = await (await request.get("/admin")).text();
  // The "End all sessions" form is the one with a userId field (the header's Sign out form has none).
  const form = html.split("<form").find((chunk) => chunk.split("</form>")[0]!.includes('name="userId"'));
  const field = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec(form ?? "")?.[1];
  expect(field, "the End all sessions form on /admin").toBeDefined();
  return field!;
}

/** Starts from no sessions for that user, so counts in a test are its own. */
export async function endAllSessions(db: pg.Pool, email: string): Promise<void> {
  await db.query(`delete from "Session" where "userId" in (select id from "User" where email = $1)`, [email]);
}

/** A seeded user's id in the app's database. */
export async function userIdOf(db: pg.Pool, email: string): Promise<string> {
  return (await db.query<{ id: string }>(`select id from "User" where email = $1`, [email])).rows[0]!.id;
}
