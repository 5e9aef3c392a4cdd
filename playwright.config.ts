import { defineConfig, devices } from "@playwright/test";
import { systemChromium } from "./tests/support/chromium";
import { testWorlds } from "./tests/support/env";

const worlds = testWorlds();

export default defineConfig({
  testDir: "tests/e2e",
  // Each worker has a world of its own (scripts/local/worlds.ts): its app, database and UniAuth. Any two tests may
  // run side by side, two of one file included.
  fullyParallel: true,
  workers: worlds.length,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"], ["json", { outputFile: ".local/test-results/playwright.json" }]],
  // A journey signs in several browsers; on a busy 2-core machine each sign-in can take seconds. Every step waits
  // on a condition, so a roomier bound costs nothing when things are quick.
  timeout: 60_000,
  // Playwright's default of 5 s per expectation is tight on a loaded 2-core machine; these wait on conditions, so a
  // longer bound costs nothing when things are quick.
  expect: { timeout: 10_000 },
  use: {
    // The worker's own app: `baseURL` comes from its world (tests/e2e/fixtures.ts).
    // Screenshots and DOM snapshots in every test's trace each cost about a tenth of the suite's CPU. A
    // failure keeps its trace (actions, network, console) and, in error-context.md, the page's accessibility tree.
    trace: { mode: "retain-on-failure", screenshots: false, snapshots: false },
    // A worker's tests share one browser context, which Playwright resets between them (cookies, cache, storage, pages,
    // routes, bindings and init scripts): a fresh context's first page costs about a second of CPU, and the tests use
    // none of what the reset keeps (permissions, geolocation, offline, extra headers). `newBrowser` stays fresh.
    reuseContext: true,
    ...devices["Desktop Chrome"],
    launchOptions: {
      executablePath: systemChromium,
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        // One renderer per page rather than one per site: the tests open hundreds of pages of two origins (the app
        // and UniAuth), and a renderer per site cost about a sixth of Chromium's time.
        "--disable-site-isolation-trials",
        // Pages that tests serve from other origins (page.route) count as public; let them reach localhost, so a
        // test of framing meets the app's own headers rather than this check.
        "--disable-features=LocalNetworkAccessChecks,site-per-process,IsolateOrigins",
      ],
    },
  },
  projects: [
    { name: "journeys", testIgnore: /server-log\.spec\.ts/ },
    // Runs once the journeys are done, so it reads the log of everything they did.
    { name: "server-log", testMatch: /server-log\.spec\.ts/, dependencies: ["journeys"] },
  ],
  webServer: worlds.map((world) => ({
    command: `node --import tsx scripts/e2e-server.ts ${world.E2E_SERVER_LOG} --port ${world.E2E_PORT}`,
    url: world.AUTH_URL,
    env: { ...world },
    reuseExistingServer: false,
    stdout: "ignore" as const,
    stderr: "pipe" as const,
    timeout: 60_000,
  })),
});
