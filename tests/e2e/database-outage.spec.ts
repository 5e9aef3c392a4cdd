import net from "node:net";
import { testEnv } from "../support/env";
import { localUniAuth } from "../support/uniauth";
import { SEEDED, expect, signInOverHttp, startInstance, test } from "./fixtures";

// An instance of the app whose database connection goes through a proxy the test can cut and restore: the database
// "stops" and "comes back" for that instance alone, while the tests' own database stays up to look at.

/** A TCP proxy to the test database: `stop` refuses new connections and breaks open ones; `listen` serves again. */
function databaseProxy(port: number) {
  const target = new URL(testEnv("DATABASE_URL"));
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined).on("close", () => (client.destroy(), upstream.destroy(), sockets.delete(socket)));
    }
    client.pipe(upstream).pipe(client);
  });
  const url = new URL(target);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return {
    url: url.href,
    listen: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)),
    stop: () => new Promise<void>((resolve) => (server.close(() => resolve()), sockets.forEach((socket) => socket.destroy()))),
  };
}

const sessionCookies = (cookies: { name: string; value: string }[]) => cookies.filter((cookie) => cookie.name.endsWith("authjs.session-token"));

test("database unreachable: pages and routes answer 503 with Retry-After, actions a typed error, no cookie is touched, and it recovers without a restart", async ({
  page,
  newBrowser,
  db,
}) => {
  test.setTimeout(90_000);
  const base = Number(testEnv("E2E_PORT"));
  const database = databaseProxy(base + 20_000 + 50);
  await database.listen();
  const app = await startInstance(base + 50, { DATABASE_URL: database.url });
  try {
    await signInOverHttp(page, "member");
    // A second session, so the dashboard offers "Sign out all other sessions" (a server action).
    await signInOverHttp(await newBrowser(), "member");
    const cookies = sessionCookies(await page.context().cookies());
    const { rows: before } = await db.query(`select s.id from "Session" s join "User" u on u.id = s."userId" where u.email = $1`, ["mia@example.com"]);

    await test.step("database up: the instance serves the dashboard", async () => {
      await page.goto(`${app.origin}/dashboard`);
      await expect(page.getByRole("heading", { name: `Welcome, ${SEEDED.member}` })).toBeVisible();
    });

    // A visitor starts a sign-in while the database is up: Auth.js's state and PKCE cookies are theirs.
    const visitor = await newBrowser();
    const { csrfToken } = (await (await visitor.request.get(`${app.origin}/api/auth/csrf`)).json()) as { csrfToken: string };
    const started = await visitor.request.post(`${app.origin}/api/auth/signin/uniauth`, { form: { csrfToken, callbackUrl: "/dashboard" }, maxRedirects: 0 });
    const state = new URL(started.headers().location!).searchParams.get("state");
    expect(state).toBeTruthy();

    await database.stop();

    await test.step("a server action answers its typed error, shown on the page, and does nothing", async () => {
      await page.getByRole("button", { name: "Sign out all other sessions" }).click();
      await expect(page.getByRole("status")).toHaveText("The app cannot reach its database right now. Please try again in a minute.");
      await expect(page).toHaveURL(`${app.origin}/dashboard`);
    });

    await test.step("auth() fails closed: the home page shows no one signed in, and says it cannot tell", async () => {
      await page.goto(`${app.origin}/`);
      await expect(page.getByRole("status")).toContainText("cannot check your session right now");
      await expect(page.getByRole("banner").getByText(SEEDED.member)).toHaveCount(0);
      await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
    });

    await test.step("a page answers 503 with Retry-After and says why; no Set-Cookie on the way", async () => {
      const first = await page.request.get(`${app.origin}/dashboard`, { maxRedirects: 0 });
      expect(first.status()).toBe(307);
      expect(first.headers()["location"]).toBe("/unavailable");
      expect(first.headers()["set-cookie"]).toBeUndefined();
      const response = await page.goto(`${app.origin}/dashboard`);
      expect(response?.status()).toBe(503);
      expect(response?.headers()["retry-after"]).toBe("60");
      expect(response?.headers()["set-cookie"]).toBeUndefined();
      await expect(page.getByRole("main")).toContainText("try again in a minute");
      await expect(page.getByRole("link", { name: "Try again" })).toHaveAttribute("href", "/dashboard");
    });

    await test.step("route handlers answer 503 (health as JSON; session-ended keeps the cookie)", async () => {
      const health = await page.request.get(`${app.origin}/api/health`);
      expect(health.status()).toBe(503);
      expect(await health.json()).toMatchObject({ status: "unavailable", database: "unreachable" });
      // feature:notes begin
      const notes = await page.request.get(`${app.origin}/api/notes`);
      expect(notes.status()).toBe(503);
      expect(notes.headers()["retry-after"]).toBe("60");
      expect(await notes.json()).toMatchObject({ error: "service_unavailable" });
      // feature:notes end
      const ended = await page.request.get(`${app.origin}/api/auth/session-ended`, { maxRedirects: 0 });
      expect(ended.status()).toBe(503);
      expect(ended.headers()["set-cookie"]).toBeUndefined();
    });

    await test.step("a sign-in answers the outage page at its start and at UniAuth's callback; nothing reaches UniAuth", async () => {
      const since = Date.now();
      await visitor.goto(`${app.origin}/signin`);
      await visitor.getByRole("button", { name: "Sign in with UniAuth" }).click();
      await expect(visitor).toHaveURL(`${app.origin}/unavailable`);
      await expect(visitor.getByRole("main")).toContainText("try again in a minute");
      const start = await visitor.request.post(`${app.origin}/api/auth/signin/uniauth`, { form: { csrfToken, callbackUrl: "/dashboard" }, maxRedirects: 0 });
      // The callback of the sign-in started earlier, with its cookies: Auth.js's checks pass, the code exchange cannot.
      const callback = await visitor.request.get(`${app.origin}/api/auth/callback/uniauth?code=x&state=${state}`, { maxRedirects: 0 });
      for (const response of [start, callback]) {
        expect(response.status()).toBe(503);
        expect(response.headers()["retry-after"]).toBe("60");
        expect(await response.text()).toContain("The app cannot reach its database right now");
      }
      expect((await localUniAuth.events(since)).filter((event) => event.type === "authorize" || event.type === "token")).toEqual([]);
    });

    await test.step("nobody was signed out: same cookie, same rows", async () => {
      expect(sessionCookies(await page.context().cookies())).toEqual(cookies);
      const { rows: after } = await db.query(`select s.id from "Session" s join "User" u on u.id = s."userId" where u.email = $1`, ["mia@example.com"]);
      expect(after).toEqual(before);
    });

    await database.listen();

    await test.step("database back: the same instance serves the dashboard again", async () => {
      await page.getByRole("link", { name: "Try again" }).click();
      await expect(page.getByRole("heading", { name: `Welcome, ${SEEDED.member}` })).toBeVisible();
      expect((await page.request.get(`${app.origin}/api/health`)).status()).toBe(200);
    });
  } finally {
    await app.stop();
    await database.stop();
  }
});
