import type { APIRequestContext } from "@playwright/test";
import { expect, signInAs, test } from "./fixtures";

// Request forms that skipped or confused middleware in real Next.js advisories (see PITFALLS.md).
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
  await signInAs(page, "member");
  expect(await leaks(page.request, "/admin", ADMIN)).toEqual([]);
  // Control: with the member's cookie the dashboard marker does come through, so a leak would be seen.
  expect((await page.request.get("/dashboard")).ok()).toBe(true);
  expect(await (await page.request.get("/dashboard")).text()).toContain(DASHBOARD);
});

test("a server action id posted to / with no session reveals nothing", async ({ playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL });
  const response = await request.post("/", {
    headers: { "next-action": "0".repeat(42), "content-type": "text/plain;charset=UTF-8" },
    data: "[]",
    maxRedirects: 0,
  });
  const body = await response.text();
  expect(body).not.toContain(DASHBOARD);
  expect(body).not.toContain(ADMIN);
  await request.dispose();
});
