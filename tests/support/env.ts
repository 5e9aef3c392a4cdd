import type { TestWorld } from "../../scripts/local/worlds";

type TestEnvKey =
  | "AUTH_URL"
  | "E2E_PORT"
  | "AUTH_SECRET"
  | "DATABASE_URL"
  | "UNIAUTH_ISSUER"
  | "UNIAUTH_CLIENT_ID"
  | "UNIAUTH_CLIENT_SECRET"
  | "UNIAUTH_TEST_KEYS"
  | "E2E_SERVER_LOG"
  | "CRON_SECRET"
  | "UNIAUTH_TOKEN_LIMIT" // feature:token-budget
  | "MEMBER_ROLES_MAX_AGE_SECONDS";

/** The browser tests' worlds, one per Playwright worker (scripts/local/worlds.ts), as scripts/test.ts started them. */
export function testWorlds(): TestWorld[] {
  if (!process.env.E2E_WORLDS) throw new Error("E2E_WORLDS is not set: run the browser tests with `npm test -- e2e`, which starts their apps and services.");
  return JSON.parse(process.env.E2E_WORLDS) as TestWorld[];
}

// In a Playwright worker, the variables are its world's: every test, helper and instance it starts uses them.
if (process.env.E2E_WORLDS && process.env.TEST_PARALLEL_INDEX) {
  Object.assign(process.env, testWorlds()[Number(process.env.TEST_PARALLEL_INDEX)]);
}

/** The variables scripts/test.ts hands to every test process (in a browser test, its worker's world's). */
export function testEnv(key: TestEnvKey): string {
  const value = process.env[key];
  if (!value) throw new Error(`${key} is not set: run the tests with \`npm test\`, which starts the local services.`);
  return value;
}

/** UNIAUTH_TIMEOUT_MS as the app under test reads it: scripts/test.ts shortens it for the browser tests (default 5000). */
export function uniauthTimeoutMs(): number {
  return Number(process.env.UNIAUTH_TIMEOUT_MS || 5000);
}
