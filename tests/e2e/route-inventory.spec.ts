import { readFileSync } from "node:fs";
import type { APIRequestContext, APIResponse, Page } from "@playwright/test";
import { encode } from "next-auth/jwt";
import type pg from "pg";
import { testEnv } from "../support/env";
import { expect, sawTokens, signInOverHttp, test } from "./fixtures";

/**
 * Every page and route handler of the production build, and who may open it. A route the build has and this list
 * lacks fails the first test: add it here with the decision (and, for a public one, to lib/access.ts).
 *  - public: served to anyone (listed in lib/access.ts);
 *  - signed-in, staff: refused at the edge without a session cookie, and refused again on the server with a cookie
 *    the edge accepts but whose session row does not exist (or whose user lacks the role): so each one has its own
 *    server-side guard, whatever middleware.ts does;
 *  - cron: public at the edge, refused without CRON_SECRET by the route itself.
 */
const ROUTES: Record<string, "public" | "signed-in" | "staff" | "cron"> = {
  "/": "public",
  "/signin": "public",
  "/signed-out": "public",
  "/auth/error": "public",
  "/unavailable": "public",
  "/api/auth/[...nextauth]": "public",
  "/api/auth/backchannel-logout": "public",
  "/api/auth/frontchannel-logout": "public", // feature:frontchannel-logout
  "/api/auth/session-ended": "public",
  "/api/health": "public",
  "/api/cron/prune": "cron",
  "/dashboard": "signed-in",
  "/confirm": "signed-in", // feature:step-up
  "/forbidden": "signed-in",
  // feature:notes begin
  "/notes": "signed-in",
  "/notes/[id]": "signed-in",
  "/api/notes": "signed-in",
  "/api/notes/[id]": "signed-in",
  // feature:notes end
  "/admin": "staff",
};

/**
 * Every server action of the build, by file and export, and who may call it. An action is an endpoint anyone can
 * POST to (from any page, the public ones included), so the edge cannot guard it: each in app/ goes through
 * authAction, and this proves it refuses the callers it must.
 *  - signed-in, superuser: refused by the action itself (a typed "unauthenticated" or "forbidden" result);
 *  - auth-flow: the sign-in and sign-out forms of lib/auth/actions.ts and step-up's "Confirm it's you", open by
 *    design (signing in needs no session; startStepUp calls requireUser, continueWithCurrentRoles only re-issues a
 *    valid session's cookie).
 */
const ACTIONS: Record<string, "signed-in" | "superuser" | "auth-flow"> = {
  "app/dashboard/actions.ts#endSessionAction": "signed-in",
  "app/dashboard/actions.ts#endOtherSessionsAction": "signed-in",
  "app/notes/actions.ts#createNoteAction": "signed-in", // feature:notes
  "app/notes/actions.ts#deleteNoteAction": "signed-in", // feature:notes
  "app/admin/actions.ts#endAllSessionsAction": "superuser",
  "lib/auth/actions.ts#signInWithUniAuth": "auth-flow",
  "lib/auth/actions.ts#signOutEverywhere": "auth-flow",
  "lib/auth/features/step-up/actions.ts#startStepUp": "auth-flow", // feature:step-up
  "lib/auth/actions.ts#continueWithCurrentRoles": "auth-flow",
};

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** The app's pages and route handlers as `next build` lists them (Next's own `/_not-found`, `/_global-error` aside). */
function builtRoutes(): string[] {
  const manifest = JSON.parse(readFileSync(".next/app-path-routes-manifest.json", "utf8")) as Record<string, string>;
  return [...new Set(Object.values(manifest))].filter((route) => !route.startsWith("/_") && !/\.(ico|svg|png|txt|xml)$/.test(route)).sort();
}

/** The build's server actions: id, `file#export`, and a page that serves it. */
function builtActions(): { id: string; name: string; page: string }[] {
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { workers: Record<string, unknown>; filename: string; exportedName: string }>;
  };
  return Object.entries(manifest.node).map(([id, action]) => {
    const worker = Object.keys(action.workers).find((name) => name.endsWith("/page") && !name.includes("/_")) ?? "app/page";
    return { id, name: `${action.filename}#${action.exportedName}`, page: concrete(worker.slice("app".length, -"/page".length) || "/") };
  });
}

/** Calls a server action as React does (its id in `Next-Action`, no arguments), and returns the answer's text. */
async function callAction(request: APIRequestContext, action: { id: string; page: string }, cookie: string): Promise<string> {
  const response = await request.post(action.page, {
    headers: { cookie, "Next-Action": action.id, Accept: "text/x-component", "Content-Type": "text/plain;charset=UTF-8" },
    data: "[]",
    maxRedirects: 0,
  });
  return response.text();
}

/** A concrete path for a route: dynamic segments filled with made-up values. */
const concrete = (route: string) => route.replace(/\[\[?\.\.\.[^\]]+\]\]?/g, "inventory/probe").replace(/\[[^\]]+\]/g, "inventory-probe");
const isApi = (route: string) => route.startsWith("/api/");

/** A session cookie the edge accepts (it decrypts), for a session id and user the test chooses. */
async function forgedCookie(sessionId: string, user: { id: string; email: string; isStaff: boolean; isSuperuser: boolean }): Promise<string> {
  const token = {
    sub: user.id,
    sessionId,
    sessionStartedAt: new Date().toISOString(),
    sessionExpiresAt: new Date(Date.now() + 3600_000).toISOString(),
    user: { ...user, name: null, image: null, groups: [] },
  };
  const value = await encode({ token, secret: testEnv("AUTH_SECRET"), salt: "authjs.session-token", maxAge: 3600 });
  sawTokens(value);
  return `authjs.session-token=${value}`;
}

/**
 * Signs the member in, then forges two session cookies the edge accepts (they decrypt) and only the server's own
 * check refuses: one for a session that does not exist, one for the member's real session claiming staff and
 * superuser roles.
 */
async function forgedMemberCookies(page: Page, db: pg.Pool) {
  await signInOverHttp(page, "member");
  const { rows } = await db.query<{ id: string; userId: string; email: string }>(
    `select s.id, s."userId", u.email from "Session" s join "User" u on u.id = s."userId" where u.email = 'mia@example.com' order by s."createdAt" desc limit 1`,
  );
  const member = rows[0]!;
  const claims = { id: member.userId, email: member.email, isStaff: true, isSuperuser: true };
  return { noSuchSession: await forgedCookie("no-such-session", claims), memberClaimingRoles: await forgedCookie(member.id, claims) };
}

const send = (request: APIRequestContext, method: string, path: string, cookie?: string) =>
  request.fetch(path, { method, maxRedirects: 0, headers: { ...(cookie && { cookie }), "content-type": "application/json" }, data: method === "GET" ? undefined : "{}" });

function expectRefusedPage(response: APIResponse, to: RegExp, label: string) {
  expect([307, 303, 302], `${label}: ${response.status()}`).toContain(response.status());
  expect(response.headers().location, label).toMatch(to);
}

/** Every method answers 401 (or 405 where the route has no such handler), and at least one is the route's own 401. */
async function expectRefusedApi(request: APIRequestContext, path: string, cookie: string | undefined, status: 401 | 403, label: string) {
  const answers = await Promise.all(METHODS.map(async (method) => [method, (await send(request, method, path, cookie)).status()] as const));
  for (const [method, answer] of answers) expect([status, 405], `${label} ${method}: ${answer}`).toContain(answer);
  expect(answers.some(([, answer]) => answer === status), `${label}: no method answered ${status}`).toBe(true);
}

test("every route of the build has a decision here", () => {
  const undecided = builtRoutes().filter((route) => !(route in ROUTES));
  expect(undecided, "routes with no access decision: add them to ROUTES (and public ones to lib/access.ts)").toEqual([]);
  const gone = Object.keys(ROUTES).filter((route) => !builtRoutes().includes(route));
  expect(gone, "routes listed here that the build no longer has").toEqual([]);
});

test("every server action of the build has a decision here", () => {
  const names = builtActions().map((action) => action.name);
  expect(names.filter((name) => !(name in ACTIONS)), "server actions with no access decision: add them to ACTIONS").toEqual([]);
  expect(Object.keys(ACTIONS).filter((name) => !names.includes(name)), "actions listed here that the build no longer has").toEqual([]);
});

test("server actions refuse, by themselves, a cookie the edge accepts for a session that does not exist or a role the user lacks", async ({ page, playwright, baseURL, db }) => {
  const { noSuchSession, memberClaimingRoles: memberClaimingSuperuser } = await forgedMemberCookies(page, db);
  const request = await playwright.request.newContext({ baseURL });
  for (const action of builtActions().filter((action) => ACTIONS[action.name] !== "auth-flow")) {
    await test.step(`${ACTIONS[action.name]} ${action.name} (on ${action.page})`, async () => {
      expect(await callAction(request, action, noSuchSession)).toContain('"error":"unauthenticated"');
      if (ACTIONS[action.name] === "superuser") expect(await callAction(request, action, memberClaimingSuperuser)).toContain('"error":"forbidden"');
    });
  }
  await request.dispose();
});

test("anonymous requests: public routes are served, every other one is refused", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  for (const route of builtRoutes()) {
    const path = concrete(route);
    await test.step(`${ROUTES[route]} ${route}`, async () => {
      if (ROUTES[route] === "public") {
        for (const method of isApi(route) ? METHODS : (["GET"] as const)) {
          const response = await send(anonymous, method, path);
          expect(response.status(), `${method} ${path}`).not.toBe(401);
          expect(response.headers().location ?? "", `${method} ${path}`).not.toMatch(/\/signin\?callbackUrl=/);
        }
      } else if (isApi(route)) {
        await expectRefusedApi(anonymous, path, undefined, 401, path);
      } else {
        expectRefusedPage(await send(anonymous, "GET", path), new RegExp(`/signin\\?callbackUrl=${encodeURIComponent(path)}$`), path);
      }
    });
  }
  await anonymous.dispose();
});

test("the server refuses too: a cookie the edge accepts, for a session that does not exist or a role the user lacks", async ({ page, playwright, baseURL, db }) => {
  const { noSuchSession, memberClaimingRoles: memberClaimingStaff } = await forgedMemberCookies(page, db);
  const request = await playwright.request.newContext({ baseURL });
  for (const route of builtRoutes().filter((route) => ROUTES[route] === "signed-in" || ROUTES[route] === "staff")) {
    const path = concrete(route);
    await test.step(`${ROUTES[route]} ${route}`, async () => {
      if (isApi(route)) await expectRefusedApi(request, path, noSuchSession, 401, `${path} (no such session)`);
      else expectRefusedPage(await send(request, "GET", path, noSuchSession), /\/api\/auth\/session-ended$/, `${path} (no such session)`);
      if (ROUTES[route] === "staff") {
        if (isApi(route)) await expectRefusedApi(request, path, memberClaimingStaff, 403, `${path} (member claiming staff)`);
        else expect((await send(request, "GET", path, memberClaimingStaff)).status(), `${path} (member claiming staff)`).toBe(403);
      }
    });
  }
  // Control: the member's real cookie opens the signed-in pages, so the refusals above were about the forged ones.
  expect((await page.request.get("/dashboard")).status()).toBe(200);
  await request.dispose();
});

test("staff areas refuse a signed-in member at the edge (to the 403 page), and admit staff", async ({ page, newBrowser }) => {
  await signInOverHttp(page, "member");
  const staff = await newBrowser();
  await signInOverHttp(staff, "staff");
  for (const route of builtRoutes().filter((route) => ROUTES[route] === "staff")) {
    const path = concrete(route);
    // A redirect, not a rewrite (which Next proxies to itself under `next start -H`): the page itself never renders.
    const refused = await page.request.get(path, { maxRedirects: 0 });
    expect(refused.status(), `member ${path}`).toBe(303);
    expect(refused.headers().location, `member ${path}`).toBe(`/forbidden?from=${encodeURIComponent(path)}`);
    expect((await page.request.get(path)).status(), `member ${path}, followed`).toBe(403);
    expect((await staff.request.get(path, { maxRedirects: 0 })).status(), `staff ${path}`).toBe(200);
  }
});

test("the cron route refuses a caller without CRON_SECRET", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  for (const route of builtRoutes().filter((route) => ROUTES[route] === "cron")) {
    expect((await anonymous.get(concrete(route))).status()).toBe(401);
    expect((await anonymous.get(concrete(route), { headers: { authorization: `Bearer ${testEnv("CRON_SECRET")}` } })).status()).toBe(200);
  }
  await anonymous.dispose();
});
