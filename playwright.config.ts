import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { TEST_RESULTS } from "./tests/support/test-results";

const port = Number(process.env.E2E_PORT ?? 3100);
const systemChromium = "/usr/bin/chromium";

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
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
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    ...devices["Desktop Chrome"],
    launchOptions: {
      // Debian's Chromium when present (Playwright cannot download its own browser offline).
      executablePath: existsSync(systemChromium) ? systemChromium : undefined,
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        // Pages that tests serve from other origins (page.route) count as public; let them reach localhost, so a
        // test of framing meets the app's own headers rather than this check.
        "--disable-features=LocalNetworkAccessChecks",
      ],
    },
  },
  projects: [
    { name: "journeys", testIgnore: /server-log\.spec\.ts/ },
    // Runs once the journeys are done, so it reads the log of everything they did.
    { name: "server-log", testMatch: /server-log\.spec\.ts/, dependencies: ["journeys"] },
  ],
  webServer: {
    command: `node --import tsx scripts/e2e-server.ts ${TEST_RESULTS.serverLog} --port ${port}`,
    url: `http://localhost:${port}`,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    timeout: 60_000,
  },
});
