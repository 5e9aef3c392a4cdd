import type { APIRequestContext } from "@playwright/test";
import { endAllSessionsActionField, expect, signInOverHttp, test } from "./fixtures";

// Request forms that skipped or confused middleware in real Next.js advisories.
const HEADER_SETS: Record<string, Record<string, string>> = {
  plain: {},
  "x-middleware-subrequest middleware": { "x-middleware-subrequest": "middleware" },
  "x-middleware-subrequest src/middleware": { "x-middleware-subrequest": "src/middleware" },
  "x-middleware-subrequest ×5": { "x-middleware-subrequest": Array(5).fill("middleware").join(":") },
  "x-middleware-subrequest pages/_middleware": { "x-middleware-subrequest": "pages/_middleware" },
  "RSC: 1": { RSC: "1" },
  "Next-Router-Prefetch: 1": { RSC: "1", "Next-Router-Prefetch": "1" },
  "segment prefetch": { RSC: "1", "Next-Router-Prefetch": "1", "Next-Router-Segment-Prefetch": "/_tree" },
};

const pathVariants = (path: string) => [
  path,
  `${path}/`,
  `${path}?_rsc=1a2b3`,
  `${path}.rsc`,
  `${path}.prefetch.rsc`,
  `${path}.segments/_tree.segment.rsc`,
  `${path}/.segments/_tree.segment.rsc`,
  path.toUpperCase(),
  `${path[0]}${path[1]!.toUpperCase()}${path.slice(2)}`,
  `/%${path.charCodeAt(1).toString(16)}${path.slice(2)}`,
  `/.${path}`,
  `/_next/..${path}`,
];

/** Sends every variant and returns the ones whose answer contains the protected page's marker. */
async function leaks(request: APIRequestContext, path: string, marker: string): Promise<string[]> {
  const leaked: string[] = [];
  for (const variant of pathVariants(path)) {
    for (const [name, headers] of Object.entries(HEADER_SETS)) {
      const response = await request.get(variant, { headers, maxRedirects: 0 });
      if ((await response.text()).includes(marker)) leaked.push(`${variant} [${name}] → ${response.status()}`);
    }
  }
  return leaked;
}

// Markers only the protected pages render: the dashboard's session facts, the admin user table.
const DASHBOARD = "Session started";
const ADMIN = "All users";

test("anonymous requests never get /dashboard or /admin content", async ({ playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL });
  expect(await leaks(request, "/dashboard", DASHBOARD)).toEqual([]);
  expect(await leaks(request, "/admin", ADMIN)).toEqual([]);
  await request.dispose();
});

test("a member's requests never get /admin content", async ({ page }) => {
  await signInOverHttp(page, "member");
  expect(await leaks(page.request, "/admin", ADMIN)).toEqual([]);
  // Control: with the member's cookie the dashboard marker does come through, so a leak would be seen.
  expect((await page.request.get("/dashboard")).ok()).toBe(true);
  expect(await (await page.request.get("/dashboard")).text()).toContain(DASHBOARD);
});

test("the superuser-only server action does nothing for anonymous or member callers, posted to / or /admin", async ({ page, newBrowser, playwright, baseURL, db }) => {
  const staff = await newBrowser();
  await signInOverHttp(staff, "staff");
  const target = await db.query<{ id: string }>(`select id from "User" where email = 'sam@example.com'`);
  const sessionsOfStaff = async () => Number((await db.query(`select count(*) from "Session" where "userId" = $1`, [target.rows[0]!.id])).rows[0].count);
  const before = await sessionsOfStaff();
  expect(before).toBeGreaterThan(0);

  await signInOverHttp(page, "admin");
  const actionField = await endAllSessionsActionField(page.request);
  const post = (request: APIRequestContext, path: string) =>
    request.post(path, { multipart: { [actionField]: "", userId: target.rows[0]!.id }, headers: { origin: baseURL! }, maxRedirects: 0 });

  const anonymous = await playwright.request.newContext({ baseURL });
  const member = await newBrowser();
  await signInOverHttp(member, "member");
  for (const path of ["/", "/admin"]) {
    await post(anonymous, path);
    await post(member.request, path);
  }
  expect(await sessionsOfStaff()).toBe(before);

  // Control: the same post from the superuser does end them, so the probes above could have failed.
  await post(page.request, "/admin");
  expect(await sessionsOfStaff()).toBe(0);
  await anonymous.dispose();
});
