type TestEnvKey =
  | "AUTH_URL"
  | "AUTH_SECRET"
  | "DATABASE_URL"
  | "UNIAUTH_ISSUER"
  | "UNIAUTH_CLIENT_ID"
  | "UNIAUTH_CLIENT_SECRET"
  | "UNIAUTH_TEST_KEYS"
  | "CRON_SECRET"
  | "UNIAUTH_TOKEN_LIMIT" // feature:token-budget
  | "MEMBER_ROLES_MAX_AGE_SECONDS";

/** The variables scripts/test.ts hands to every test process. */
export function testEnv(key: TestEnvKey): string {
  const value = process.env[key];
  if (!value) throw new Error(`${key} is not set: run the tests with \`npm test\`, which starts the local services.`);
  return value;
}

/** UNIAUTH_TIMEOUT_MS as the app under test reads it: scripts/test.ts shortens it for the browser tests (default 5000). */
export function uniauthTimeoutMs(): number {
  return Number(process.env.UNIAUTH_TIMEOUT_MS || 5000);
}
