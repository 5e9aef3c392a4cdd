import { createWriteStream } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { UniAuthEvent } from "../uniauth/server";
import { seededUsers } from "../uniauth/users";
import { startLocalServices } from "../local/services";
import { type RunningApp, buildApp, startApp } from "./next-app";
import { seedSessions } from "./sessions";
import { type Browser, newBrowser, signInThroughApp } from "./sign-in";

const PORTS = { postgres: 55533, uniauth: 4300, apps: [3300, 3301] } as const;

/** A browser that signed in before (it holds the app's device cookie) and the seeded user who uses it. */
export interface ReturningBrowser {
  user: string;
  browser: Browser;
}

/** Whose sessions are seeded: the kind, and the seeded user (scripts/uniauth/users.ts) who holds them. */
export type Kind = "staff" | "member";
export const KIND_USER: Record<Kind, string> = { staff: "staff", member: "member" };

export interface BudgetStage {
  apps: RunningApp[];
  db: pg.Pool;
  events: UniAuthEvent[];
  returning: ReturningBrowser[];
  logFile: string;
  /** PUT /dev/<route> at the local UniAuth. */
  dev(route: string, body: unknown): Promise<void>;
  /** A clean slate: no sessions, no counts at the app or at UniAuth (whose limits are on, over `windowSeconds`). */
  reset(): Promise<void>;
  /** `count` sessions of a kind written straight into the database, each with its own grant at UniAuth; their cookies. */
  seed(kind: Kind, count: number, roleAgeSeconds: number): Promise<string[]>;
  /** Every token call the app took from its budget since the last reset: when (ms, the database's clock), and the share. */
  tokenCalls(): Promise<{ ms: number; share: string }[]>;
  stop(): Promise<void>;
}

/**
 * The stage of the budget simulations: the embedded Postgres, the local UniAuth, and two `next start` instances with
 * `env`, on the loopback. Before they start, `returning` browsers sign in once each through a setup instance (UniAuth's
 * limits off, a budget that fits them), so that each holds a device cookie.
 */
export async function startBudgetStage(options: { build: boolean; env: Record<string, string>; windowSeconds: number; returning: string[] }): Promise<BudgetStage> {
  const [firstUrl, secondUrl] = PORTS.apps.map((port) => `http://localhost:${port}`) as [string, string];
  const services = await startLocalServices({
    projectDir: process.cwd(),
    appUrl: firstUrl,
    otherAppUrls: [secondUrl],
    env: {},
    postgresPort: PORTS.postgres,
    uniauthPort: PORTS.uniauth,
    persistent: false,
    uniauthRateLimits: false,
  });
  const { issuer, events } = services.uniauth!;
  const secret = services.env.AUTH_SECRET!;
  const db = new pg.Pool({ connectionString: services.env.DATABASE_URL, max: 2 });
  db.on("error", () => {});
  const logFile = path.join(await mkdtemp(path.join(os.tmpdir(), "bench-budget-")), "next.log");
  const log = createWriteStream(logFile);
  const baseEnv = { ...process.env, ...services.env, NEXT_TELEMETRY_DISABLED: "1" };
  const devRequest = async (route: string, body: unknown) => {
    const response = await fetch(`${issuer}/dev/${route}`, { method: "PUT", body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`PUT /dev/${route} answered ${response.status}`);
    return response;
  };
  let apps: RunningApp[] = [];
  const stopApps = async () => void (await Promise.all(apps.map((app) => app.stop())));
  const stop = async () => {
    await stopApps();
    log.end();
    await db.end();
    await services.stop();
  };

  try {
    if (options.build) {
      console.log("Building the app (next build)…");
      await buildApp(baseEnv);
    }
    console.log(`Signing in ${options.returning.length} returning browsers once (limits off)…`);
    apps = [await startApp(PORTS.apps[0], { ...baseEnv, ...options.env, UNIAUTH_TOKEN_LIMIT: "100000" }, log)];
    const returning: ReturningBrowser[] = [];
    for (const user of options.returning) {
      const browser = newBrowser();
      const { cookie, landedOn } = await signInThroughApp(firstUrl, user, browser);
      if (!cookie) throw new Error(`setup sign-in of ${user} landed on ${landedOn}`);
      returning.push({ user, browser });
    }
    await stopApps();
    // Every token call the app counts, by share, with the database's time.
    await db.query(`
      CREATE TABLE bench_token_call (at timestamp NOT NULL, share text NOT NULL);
      CREATE FUNCTION bench_note_token_call() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO bench_token_call VALUES (NEW.at, NEW.key); RETURN NEW; END $$;
      CREATE TRIGGER bench_token_call AFTER INSERT ON "RateEvent" FOR EACH ROW WHEN (NEW.key LIKE 'uniauth:token:%') EXECUTE FUNCTION bench_note_token_call();`);
    apps = await Promise.all(PORTS.apps.map((port) => startApp(port, { ...baseEnv, ...options.env }, log)));

    return {
      apps,
      db,
      events,
      returning,
      logFile,
      dev: async (route, body) => void (await devRequest(route, body)),
      reset: async () => {
        await db.query(`DELETE FROM "Session"; DELETE FROM "RateEvent"; DELETE FROM "RatePause"; DELETE FROM bench_token_call`);
        await devRequest("rate-limits", { enabled: true, windowSeconds: options.windowSeconds });
        events.length = 0;
      },
      seed: async (kind, count, roleAgeSeconds) => {
        const refreshTokens = (await (await devRequest("refresh-tokens", { user: KIND_USER[kind], count })).json()) as string[];
        const email = seededUsers.find((user) => user.id === KIND_USER[kind])!.email;
        return seedSessions(db, secret, { email, issuer, refreshTokens, roleAgeSeconds });
      },
      tokenCalls: async () =>
        (await db.query<{ ms: number; share: string }>(`SELECT (extract(epoch FROM at) * 1000)::float8 AS ms, share FROM bench_token_call ORDER BY at`)).rows,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
