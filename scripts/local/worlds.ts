import pg from "pg";
import { type LocalUniAuth, startLocalUniAuth } from "../uniauth/server";

/**
 * What one Playwright worker's tests run against, alone: an app origin (its `next start` and the instances a test
 * adds, on the next ports), a database and a local UniAuth. Workers share nothing, so their tests run side by side.
 */
export interface TestWorld {
  AUTH_URL: string;
  E2E_PORT: string;
  DATABASE_URL: string;
  UNIAUTH_ISSUER: string;
  UNIAUTH_TEST_KEYS: string;
  /** Everything this world's instances print (tests/e2e/server-log.spec.ts reads every world's). */
  E2E_SERVER_LOG: string;
}

/** World `n` takes the ports of world 0 moved by 100 each: its app at 3100 + 100n, its UniAuth at 4100 + 100n. */
const WORLD_PORT_STEP = 100;

interface Options {
  count: number;
  appPort: number;
  uniauthPort: number;
  /** World 0's database and UniAuth: the ones the unit and integration tests used. */
  databaseUrl: string;
  uniauth: LocalUniAuth;
  /** How many further app ports, after its first, each world's UniAuth accepts redirects to. */
  otherApps: number;
  resultsDir: string;
}

/** World 0 is the services already running; each further world gets a copy of the database and a UniAuth of its own. */
export async function startTestWorlds(options: Options): Promise<{ worlds: TestWorld[]; stop: () => Promise<void> }> {
  const stops: (() => Promise<void>)[] = [];
  const worlds: TestWorld[] = [];
  try {
    for (let n = 0; n < options.count; n++) {
      const appPort = options.appPort + n * WORLD_PORT_STEP;
      const appUrl = `http://localhost:${appPort}`;
      const uniauth =
        n === 0
          ? options.uniauth
          : await startLocalUniAuth({
              port: options.uniauthPort + n * WORLD_PORT_STEP,
              appUrl,
              otherAppUrls: otherAppUrls(appPort, options.otherApps),
              rateLimits: false,
            });
      if (n > 0) stops.push(uniauth.stop);
      worlds.push({
        AUTH_URL: appUrl,
        E2E_PORT: String(appPort),
        DATABASE_URL: n === 0 ? options.databaseUrl : await copyDatabase(options.databaseUrl, `world_${n}`),
        UNIAUTH_ISSUER: uniauth.issuer,
        UNIAUTH_TEST_KEYS: JSON.stringify(uniauth.keys),
        E2E_SERVER_LOG: `${options.resultsDir}/server-${n}.log`,
      });
    }
  } catch (error) {
    for (const stop of stops) await stop();
    throw error;
  }
  return { worlds, stop: async () => void (await Promise.all(stops.map((stop) => stop()))) };
}

/** The origins of `count` further instances of the app on the ports after `appPort` (tests/e2e/fixtures.ts startInstance). */
export function otherAppUrls(appPort: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `http://localhost:${appPort + i + 1}`);
}

/** A new database on the same server, as `source` is now (migrated): Postgres copies it as a template. */
async function copyDatabase(source: string, name: string): Promise<string> {
  const onServer = (database: string) => Object.assign(new URL(source), { pathname: `/${database}` }).href;
  const client = new pg.Client(onServer("postgres"));
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}"`);
    await client.query(`create database "${name}" template "${new URL(source).pathname.slice(1)}"`);
  } finally {
    await client.end();
  }
  return onServer(name);
}
