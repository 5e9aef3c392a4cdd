import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { systemChromium } from "../tests/support/chromium";
import { runRemovalLane } from "./features/removal-lane";
import { startLocalServices } from "./local/services";
import { otherAppUrls, startTestWorlds } from "./local/worlds";

// `npm test` runs everything; `npm test -- unit` or `npm test -- e2e` runs one part, and any further
// arguments go to its runner (e.g. `npm test -- e2e sign-in.spec.ts`). `npm test -- fast` is the fast lane: every
// unit and integration test, then only the browser journeys tagged @smoke (sign in, a role refresh, back-channel
// logout, sign out), for the Node lines CI does not run the whole suite on (docs/testing.md). `npm test -- removal`
// removes every optional feature from a temporary copy and runs typecheck, lint and the fast lane there
// (scripts/features/removal-lane.ts, docs/features.md).
const LANES = ["unit", "e2e", "fast", "removal"] as const;
const only = process.argv[2] as (typeof LANES)[number] | undefined;
const runnerArgs = process.argv.slice(3);
if (only !== undefined && !(LANES as readonly string[]).includes(only)) {
  console.error(`Unknown test part "${only}": use \`npm test\`, \`npm test -- unit [args]\`, \`npm test -- e2e [args]\`, \`npm test -- fast\` or \`npm test -- removal\`.`);
  process.exit(2);
}
if (only === "removal") process.exit(await runRemovalLane(process.cwd()));
const runsVitest = only !== "e2e";
const runsPlaywright = only !== "unit";
const playwrightArgs = only === "fast" ? ["--grep", "@smoke", "--project", "journeys", ...runnerArgs] : runnerArgs;
const projectDir = process.cwd();
// TEST_PORT_OFFSET moves every port, so two checkouts can run their tests side by side.
const offset = Number(process.env.TEST_PORT_OFFSET ?? 0);
const appPort = 3100 + offset;
const appUrl = `http://localhost:${appPort}`;
const uniauthPort = 4100 + offset;
/** How many further instances of the app each world's UniAuth accepts redirects to, on the ports after the first. */
const OTHER_APPS = 3;
// The browser tests run on this many workers, each against a world of its own (scripts/local/worlds.ts): by default
// one per core, at least two (a worker waiting on UniAuth's timeouts leaves its core to the other) and at most four.
const e2eWorkers = Number(process.env.E2E_WORKERS || Math.min(4, Math.max(2, availableParallelism())));
if (!(Number.isInteger(e2eWorkers) && e2eWorkers >= 1 && e2eWorkers <= 8)) {
  console.error(`E2E_WORKERS must be a whole number from 1 to 8, not "${process.env.E2E_WORKERS}".`);
  process.exit(2);
}

const services = await startLocalServices({
  projectDir,
  appUrl,
  otherAppUrls: otherAppUrls(appPort, OTHER_APPS),
  // Tests never use the developer's .env files: their own database, their own UniAuth.
  env: {},
  postgresPort: 55432 + offset,
  uniauthPort,
  persistent: false,
  // The suites make many calls from one IP; a test that checks the limits switches them on (/dev/rate-limits).
  uniauthRateLimits: false,
});
const testEnv = {
  ...process.env,
  ...services.env,
  AUTH_URL: appUrl,
  E2E_PORT: String(appPort),
  NEXT_TELEMETRY_DISABLED: "1",
  // `next build` and `next start` would read the developer's .env files (.env.local, .env.production…) for whatever
  // is not set here; this is the flag Next sets once it has loaded them, so they stay out of the tests.
  __NEXT_PROCESSED_ENV: "true",
  CRON_SECRET: randomBytes(24).toString("hex"),
  UNIAUTH_FRONTCHANNEL_LOGOUT: "true", // feature:frontchannel-logout
  // feature:token-budget begin
  // Like the stand-in's limits, the app's shares of them and its sign-in limits are out of reach for the suites
  // (hundreds of sign-ins from one IP); the tests of the budget start instances with small ones
  // (tests/e2e/token-budget.spec.ts, tests/integration/token-budget.test.ts).
  UNIAUTH_TOKEN_LIMIT: "1000000",
  UNIAUTH_REFRESH_SHARE: "400000",
  UNIAUTH_KNOWN_DEVICE_SHARE: "400000",
  SIGNINS_PER_DEVICE: "1000000",
  SIGNINS_PER_USER: "1000000",
  SIGNIN_FAILURES_PER_ADDRESS: "1000000",
  // feature:token-budget end
  // Journeys age a member's roles by an hour to make them due, as a staff member's: the two role ages apart are tested
  // where they matter (tests/integration/session-check.test.ts, and the token budget's own tests).
  MEMBER_ROLES_MAX_AGE_SECONDS: "3600",
  // Tests mint their own logout tokens with the stand-in's keys.
  UNIAUTH_TEST_KEYS: JSON.stringify(services.uniauth?.keys),
};

// The browser tests wait on UniAuth outages, timeouts and retries: these settings (lib/env-schema.ts) are shortened from
// their production defaults for the app under test, so a test waits a moment where a user would wait seconds.
// Vitest keeps the defaults: its tests of these behaviours set the values they use.
const e2eEnv = {
  ...testEnv,
  UNIAUTH_TIMEOUT_MS: "3000",
  UNIAUTH_DOWN_AFTER_MS: "5000",
  UNIAUTH_CHECK_CACHE_MS: "500", // feature:uniauth-outage
  UNIAUTH_DISCOVERY_RETRY_MS: "1000",
};

const VITEST_PROJECTS = ["unit", "integration"] as const;
const vitestReport = (project: string) => `.local/test-results/vitest-${project}.json`;

/** Waits for every one (none is left running), then fails with the first failure. */
async function allOrFirstError(work: Promise<void>[]): Promise<void> {
  const failure = (await Promise.allSettled(work)).find((result) => result.status === "rejected");
  if (failure) throw failure.reason;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = testEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [command, ...args], { stdio: "inherit", env });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`))));
  });
}

const started = Date.now();
let failed = false;
/** What to stop besides the local services, once the tests are done. */
const stops: (() => Promise<void>)[] = [];
/** How long each part took, printed at the end (the closing counts line stays last: CI reads it). */
const partTimes: string[] = [];
async function part(name: string, work: () => Promise<void>): Promise<void> {
  const partStarted = Date.now();
  try {
    await work();
  } finally {
    partTimes.push(`${name} ${((Date.now() - partStarted) / 1000).toFixed(1)} s`);
  }
}
await rm(".local/test-results", { recursive: true, force: true });
try {
  if (runsVitest) {
    // Two Vitest processes side by side: the integration files one at a time, the unit files beside them (Vitest runs
    // its projects one after the other when their worker counts differ).
    await part("unit+integration", () =>
      allOrFirstError(
        VITEST_PROJECTS.map((project) =>
          run("node_modules/vitest/vitest.mjs", [
            "run",
            `--project=${project}`,
            "--passWithNoTests",
            "--reporter=default",
            "--reporter=json",
            `--outputFile.json=${vitestReport(project)}`,
            ...(only === "fast" ? [] : runnerArgs),
          ]),
        ),
      ),
    );
  }
  if (runsPlaywright) {
    if (!systemChromium) await run("node_modules/@playwright/test/cli.js", ["install", "chromium"]);
    await part("next build", () => run("node_modules/next/dist/bin/next", ["build"], e2eEnv));
    const { worlds, stop } = await startTestWorlds({
      count: e2eWorkers,
      appPort,
      uniauthPort,
      databaseUrl: services.env.DATABASE_URL!,
      uniauth: services.uniauth!,
      otherApps: OTHER_APPS,
      resultsDir: ".local/test-results",
    });
    stops.push(stop);
    await part(only === "fast" ? "browser (@smoke)" : "browser", () =>
      run("node_modules/@playwright/test/cli.js", ["test", ...playwrightArgs], { ...e2eEnv, E2E_WORLDS: JSON.stringify(worlds) }),
    );
    await printSignInFigure();
  }
} catch (error) {
  failed = true;
  console.error(`\n${(error as Error).message}`);
} finally {
  for (const stop of stops) await stop();
  await services.stop();
}
const counts = await countResults();
console.log(`\nnpm test${only ? ` -- ${only}` : ""} ${failed ? "failed" : "passed"} in ${((Date.now() - started) / 1000).toFixed(1)} s (${partTimes.join(", ")})`);
console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(failed ? 1 : 0);

/** One closing line for both runners, read from their JSON reports (a missing report counts as nothing run). */
async function countResults() {
  const read = async (file: string) => JSON.parse(await readFile(file, "utf8").catch(() => "{}"));
  const vitest = runsVitest ? await Promise.all(VITEST_PROJECTS.map((project) => read(vitestReport(project)))) : [];
  const playwright = runsPlaywright ? await read(".local/test-results/playwright.json") : {};
  const sum = (count: (report: Record<string, number>) => number | undefined) => vitest.reduce((total, report) => total + (count(report) ?? 0), 0);
  return {
    passed: sum((report) => report.numPassedTests) + (playwright.stats?.expected ?? 0) + (playwright.stats?.flaky ?? 0),
    failed: sum((report) => report.numFailedTests) + (playwright.stats?.unexpected ?? 0),
    skipped: sum((report) => report.numPendingTests) + sum((report) => report.numTodoTests) + (playwright.stats?.skipped ?? 0),
  };
}

async function printSignInFigure() {
  const times = (await readFile(".local/test-results/sign-in-ms.txt", "utf8").catch(() => ""))
    .split("\n")
    .filter(Boolean)
    .map(Number)
    .sort((a, b) => a - b);
  if (times.length) console.log(`Sign-in round trip (click → dashboard), median of ${times.length}: ${times[Math.floor(times.length / 2)]} ms`);
}
