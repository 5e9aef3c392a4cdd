import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { LOCAL_CLIENT, type LocalUniAuth, startLocalUniAuth } from "../uniauth/server";
import { applyMigrations } from "./migrate";
import { type LocalPostgres, defaultDataDir, startEmbeddedPostgres } from "./postgres";

export interface LocalServicesOptions {
  projectDir: string;
  appUrl: string;
  /** Other origins of the app that sign in through the local UniAuth (more instances, in the tests). */
  otherAppUrls?: string[];
  /** The environment as loaded from .env files: whatever it sets is used instead of a local service. */
  env: Record<string, string | undefined>;
  postgresPort: number;
  uniauthPort: number;
  /** Keep data and keys between runs (dev) or throw them away (tests). */
  persistent: boolean;
  /** UniAuth's per-IP rate limits in the local UniAuth (default: on, see scripts/uniauth/server.ts). */
  uniauthRateLimits?: boolean;
}

export interface LocalServices {
  /** The variables the app needs, filled in for every service started here. */
  env: Record<string, string>;
  postgres?: LocalPostgres;
  uniauth?: LocalUniAuth;
  stop: () => Promise<void>;
}

/** Starts what the environment lacks: an embedded Postgres (migrated), the local UniAuth, an AUTH_SECRET. */
export async function startLocalServices(options: LocalServicesOptions): Promise<LocalServices> {
  const { projectDir, appUrl, env, persistent } = options;
  const stateDir = path.join(projectDir, ".local");
  const started: LocalServices = { env: {}, stop: async () => {} };
  const stops: (() => Promise<void>)[] = [];
  started.stop = async () => {
    for (const stop of stops.reverse()) await stop().catch((error) => console.error(error));
  };

  try {
    if (!env.DATABASE_URL) {
      const postgres = await startEmbeddedPostgres({
        dataDir: persistent ? defaultDataDir(projectDir, "postgres") : undefined,
        port: options.postgresPort,
        database: "app",
      });
      stops.push(postgres.stop);
      await applyMigrations(postgres.url);
      started.postgres = postgres;
      started.env.DATABASE_URL = postgres.url;
    }
    if (!env.UNIAUTH_CLIENT_ID) {
      const uniauth = await startLocalUniAuth({ port: options.uniauthPort, appUrl, otherAppUrls: options.otherAppUrls, stateDir: persistent ? path.join(stateDir, "uniauth") : undefined, rateLimits: options.uniauthRateLimits });
      stops.push(uniauth.stop);
      started.uniauth = uniauth;
      Object.assign(started.env, {
        UNIAUTH_ISSUER: uniauth.issuer,
        UNIAUTH_CLIENT_ID: LOCAL_CLIENT.id,
        UNIAUTH_CLIENT_SECRET: LOCAL_CLIENT.secret,
      });
    }
    if (!env.AUTH_SECRET) {
      started.env.AUTH_SECRET = persistent ? await persistentSecret(stateDir) : randomBytes(33).toString("base64");
    }
    return started;
  } catch (error) {
    await started.stop();
    throw error;
  }
}

/** A development AUTH_SECRET kept in .local/ (git-ignored), so sessions survive restarts. */
async function persistentSecret(stateDir: string): Promise<string> {
  const file = path.join(stateDir, "auth-secret");
  try {
    return (await readFile(file, "utf8")).trim();
  } catch {
    const secret = randomBytes(33).toString("base64");
    await mkdir(stateDir, { recursive: true });
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}
