import { createWriteStream } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { type RunningApp, buildApp, startApp } from "./bench/next-app";
import { type SignInOutcome, signInThroughApp } from "./bench/sign-in";
import { startLocalServices } from "./local/services";

// The token budget under load (lib/auth/budget): two `next start` instances sharing one Postgres, the local UniAuth
// with its per-IP limits on and its window shortened, a few hundred sessions whose roles come due, sign-ins arriving
// throughout, and UniAuth's token endpoint slow part of the time. All on the loopback, bounded in count and time.
const WINDOW_SECONDS = 20;
const ROLE_AGE_SECONDS = 10;
// The app's defaults, set here so the report's figures and the stand-in's limit are the same numbers.
const TOKEN_LIMIT = 30;
const SIGNIN_RESERVE = 10;
const SESSIONS = 300;
const SETUP_CONCURRENCY = 6;
// The first seconds of load are not in the page-view latencies: each instance's first renders are its slowest.
const WARM_UP_SECONDS = 15;
// Then UniAuth's token endpoint is normal and slow by turns, so that other load on the machine, which drifts over
// minutes, weighs on both alike.
const SLICE_SECONDS = 15;
const SLICES = 8;
const LOAD_SECONDS = WARM_UP_SECONDS + SLICES * SLICE_SECONDS;
const PAGE_VIEWS_PER_SECOND = 20;
const PAGE_CONCURRENCY = 16;
// One sign-in every 2 to 3 s is at most 10 per 20 s window: what the sign-in reserve is sized for (10 per window).
const SIGN_IN_GAP_MS = [2000, 3000] as const;
// Slow, not down: under the 5 s the app gives a code exchange (UNIAUTH_TIMEOUT_MS in lib/auth/uniauth/fetch.ts),
// past which a sign-in is told UniAuth is unavailable whatever the budget says.
const SLOW_TOKEN_MS = 4000;
// UniAuth's window and the app's role age by default: for the users one client IP supports.
const DEFAULTS = { windowSeconds: 900, roleAgeSeconds: 3600 } as const;
const PORTS = { postgres: 55533, uniauth: 4300, apps: [3300, 3301] } as const;
// The seeded users who may sign in (scripts/uniauth/users.ts; "unverified" is refused by design).
const USERS = ["member", "staff", "admin"];

type Phase = "warm-up" | "normal" | "slow";
interface PageView {
  phase: Phase;
  ms: number;
  status: number;
}

export async function benchBudget({ build }: { build: boolean }): Promise<void> {
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
  const db = new pg.Pool({ connectionString: services.env.DATABASE_URL, max: 2 });
  db.on("error", () => {});
  const logDir = await mkdtemp(path.join(os.tmpdir(), "bench-budget-"));
  const log = createWriteStream(path.join(logDir, "next.log"));
  const baseEnv = { ...process.env, ...services.env, NEXT_TELEMETRY_DISABLED: "1", SIGNIN_ATTEMPTS_PER_IP: "100000", UNIAUTH_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS) };
  const runEnv = { ...baseEnv, UNIAUTH_TOKEN_LIMIT: String(TOKEN_LIMIT), UNIAUTH_SIGNIN_RESERVE: String(SIGNIN_RESERVE), ROLES_MAX_AGE_SECONDS: String(ROLE_AGE_SECONDS) };
  const dev = async (route: string, body: unknown) => {
    const response = await fetch(`${issuer}/dev/${route}`, { method: "PUT", body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`PUT /dev/${route} answered ${response.status}`);
  };
  let apps: RunningApp[] = [];
  const stopApps = async () => void (await Promise.all(apps.map((app) => app.stop())));

  try {
    if (build) {
      console.log("Building the app (next build)…");
      await buildApp(baseEnv);
    }

    // Setup: the sessions, signed in through the app with UniAuth's limits off and a budget that fits them all.
    console.log(`Signing in ${SESSIONS} sessions (limits off)…`);
    apps = [await startApp(PORTS.apps[0], { ...baseEnv, UNIAUTH_TOKEN_LIMIT: "100000", ROLES_MAX_AGE_SECONDS: "3600" }, log)];
    const cookies: string[] = [];
    const setupSignIn = async (i: number) => {
      const { cookie, landedOn } = await signInThroughApp(firstUrl, USERS[i % USERS.length]!);
      if (!cookie) throw new Error(`setup sign-in ${i} landed on ${landedOn}`);
      cookies.push(cookie);
    };
    // Each user's first sign-in alone: two at once for a user not yet in the database race (User_email_key).
    await inParallel(USERS.length, 1, setupSignIn);
    await inParallel(SESSIONS - USERS.length, SETUP_CONCURRENCY, (i) => setupSignIn(USERS.length + i));
    await stopApps();
    await db.query(`DELETE FROM "RateEvent"; DELETE FROM "RatePause"`);
    // Every token call the app counts, with the database's time, for the sliding-window maximum.
    await db.query(`
      CREATE TABLE bench_token_call (at timestamp NOT NULL);
      CREATE FUNCTION bench_note_token_call() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO bench_token_call VALUES (NEW.at); RETURN NEW; END $$;
      CREATE TRIGGER bench_token_call AFTER INSERT ON "RateEvent" FOR EACH ROW WHEN (NEW.key = 'uniauth:token') EXECUTE FUNCTION bench_note_token_call();`);

    apps = await Promise.all(PORTS.apps.map((port) => startApp(port, runEnv, log)));
    await dev("rate-limits", { enabled: true, windowSeconds: WINDOW_SECONDS });
    const runStartedAt = Date.now();
    console.log(`Load: ${LOAD_SECONDS} s on two instances, UniAuth's token endpoint ${SLOW_TOKEN_MS} ms slow every other ${SLICE_SECONDS} s…`);

    const started = performance.now();
    const end = started + LOAD_SECONDS * 1000;
    let phase: Phase = "warm-up";
    const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!;
    const views: PageView[] = [];
    const viewing = pageViews(end, async () => {
      const viewPhase = phase;
      const viewStarted = performance.now();
      const status = await fetch(`${pick(apps).url}/dashboard`, { headers: { cookie: pick(cookies) }, redirect: "manual" }).then(
        async (response) => (await response.arrayBuffer(), response.status),
        () => 0,
      );
      views.push({ phase: viewPhase, ms: performance.now() - viewStarted, status });
    });
    const signIns: Promise<SignInOutcome>[] = [];
    const arriving = (async () => {
      while (performance.now() < end) {
        await new Promise((resolve) => setTimeout(resolve, SIGN_IN_GAP_MS[0] + Math.random() * (SIGN_IN_GAP_MS[1] - SIGN_IN_GAP_MS[0])));
        signIns.push(
          signInThroughApp(pick(apps).url, pick(USERS)).then(
            (outcome) => {
              if (outcome.cookie) cookies.push(outcome.cookie);
              return outcome;
            },
            (error: Error): SignInOutcome => ({ cookie: null, landedOn: `failed: ${error.message}` }),
          ),
        );
      }
    })();
    await atSecond(started, WARM_UP_SECONDS);
    for (let slice = 0; slice < SLICES; slice++) {
      phase = slice % 2 ? "slow" : "normal";
      await dev("token-endpoint-delay", phase === "slow" ? SLOW_TOKEN_MS : 0);
      await atSecond(started, WARM_UP_SECONDS + (slice + 1) * SLICE_SECONDS);
    }
    await dev("token-endpoint-delay", 0);
    const [skipped] = await Promise.all([viewing, arriving]);
    const outcomes = await Promise.all(signIns);

    const [ages] = (
      await db.query<{ oldest: number | null; due: number; inUse: number }>(
        `SELECT floor(extract(epoch FROM (now() AT TIME ZONE 'UTC') - min("tokensRefreshedAt")))::int AS oldest,
                count(*) FILTER (WHERE "tokensRefreshedAt" <= (now() AT TIME ZONE 'UTC') - make_interval(secs => $1))::int AS due,
                count(*)::int AS "inUse"
         FROM "Session" WHERE "expiresAt" > (now() AT TIME ZONE 'UTC') AND "refreshToken" IS NOT NULL
           AND "lastSeenAt" > (now() AT TIME ZONE 'UTC') - interval '10 minutes'`,
        [ROLE_AGE_SECONDS],
      )
    ).rows;
    const calls = (await db.query<{ ms: number }>(`SELECT (extract(epoch FROM at) * 1000)::float8 AS ms FROM bench_token_call ORDER BY at`)).rows.map((row) => row.ms);
    const tokenEvents = events.filter((event) => event.type === "token" && event.at >= runStartedAt);
    const grants = (grant: string) => tokenEvents.filter((event) => event.detail.grant_type === grant && event.detail.status === 200).length;
    const refused = outcomes.filter((outcome) => !outcome.cookie);
    const reasons = [...new Set(refused.map((outcome) => outcome.landedOn))].map((where) => `${refused.filter((outcome) => outcome.landedOn === where).length} × ${where}`);
    const latency = (which: Exclude<Phase, "warm-up">) => {
      const ms = views.filter((view) => view.phase === which).map((view) => view.ms);
      return `p50 ${percentile(ms, 0.5).toFixed(0)} ms, p99 ${percentile(ms, 0.99).toFixed(0)} ms (${ms.length} views)`;
    };
    const notOk = views.filter((view) => view.status !== 200).length;
    const maxInWindow = slidingMax(calls, WINDOW_SECONDS * 1000);
    const rateLimited = tokenEvents.filter((event) => event.detail.status === 429).length;
    const perHour = (TOKEN_LIMIT - SIGNIN_RESERVE) * (3600 / DEFAULTS.windowSeconds);
    const usersPerIp = perHour * (DEFAULTS.roleAgeSeconds / 3600);
    const verdict = (met: boolean) => (met ? "met" : "NOT met");

    console.log(`
npm run bench -- budget — ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}; two \`next start\` instances, one Postgres, the local UniAuth (limits on: ${TOKEN_LIMIT} token calls per ${WINDOW_SECONDS} s window, sign-in reserve ${SIGNIN_RESERVE}); roles due after ${ROLE_AGE_SECONDS} s; ${SESSIONS} sessions signed in beforehand; ${LOAD_SECONDS} s of load: ${PAGE_VIEWS_PER_SECOND} signed-in \`/dashboard\` views/s (at most ${PAGE_CONCURRENCY} at once) over every session and both instances, a sign-in every ${SIGN_IN_GAP_MS[0] / 1000}–${SIGN_IN_GAP_MS[1] / 1000} s, UniAuth's token endpoint ${SLOW_TOKEN_MS} ms slower every other ${SLICE_SECONDS} s after ${WARM_UP_SECONDS} s of warm-up

| what | figure | target |
|---|---|---|
| sign-ins during the load | ${outcomes.length} attempted, ${refused.length} refused${reasons.length ? ` (${reasons.join(", ")})` : ""} | 0 refused while the budget has room: ${verdict(refused.length === 0)} |
| token calls in any ${WINDOW_SECONDS} s window (the app's count) | at most ${maxInWindow} | ≤ ${TOKEN_LIMIT}: ${verdict(maxInWindow <= TOKEN_LIMIT)} |
| 429s from UniAuth's token endpoint | ${rateLimited} | 0: ${verdict(rateLimited === 0)} |
| token calls UniAuth answered 200 | ${grants("authorization_code")} code exchanges, ${grants("refresh_token")} refreshes (each window, refreshes may use ${TOKEN_LIMIT - SIGNIN_RESERVE} of its ${TOKEN_LIMIT} calls) | |
| signed-in page views, UniAuth normal | ${latency("normal")} | |
| signed-in page views, UniAuth slow | ${latency("slow")} | the same within noise |
| page views not answered 200 | ${notOk} (and ${skipped} not sent: ${PAGE_CONCURRENCY} still waiting) | 0: ${verdict(notOk === 0)} |
| oldest role age at the end (sessions in use) | ${ages?.oldest ?? "–"} s; ${ages?.due} of ${ages?.inUse} sessions due | |
| active users one client IP supports at the default role age | ${usersPerIp} | |

Active users per client IP: a refresh may spend ${TOKEN_LIMIT} − ${SIGNIN_RESERVE} = ${TOKEN_LIMIT - SIGNIN_RESERVE} token calls per ${DEFAULTS.windowSeconds} s window, ${perHour} per hour; at the default role age (ROLES_MAX_AGE_SECONDS=${DEFAULTS.roleAgeSeconds}) each active user needs a refresh every ${DEFAULTS.roleAgeSeconds} s: ${usersPerIp} users. Here (a ${WINDOW_SECONDS} s window, ${ROLE_AGE_SECONDS} s role age) the budget keeps ${((TOKEN_LIMIT - SIGNIN_RESERVE) * ROLE_AGE_SECONDS) / WINDOW_SECONDS} sessions within their role age: the load is deliberately far above that, so refreshes queue (oldest roles first) and the oldest role age shows how far behind they are.
Server output: ${path.join(logDir, "next.log")}`);
  } finally {
    await dev("token-endpoint-delay", 0).catch(() => undefined);
    await stopApps();
    log.end();
    await db.end();
    await services.stop();
  }
}

/** Runs `task(0…count-1)`, at most `concurrency` at a time. */
async function inParallel(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Starts `view` PAGE_VIEWS_PER_SECOND times a second until `end` (an open loop, so a slow answer does not slow the
 * arrivals), skipping a beat when PAGE_CONCURRENCY views are still waiting; resolves, once the last one has answered,
 * to the number of beats skipped.
 */
async function pageViews(end: number, view: () => Promise<void>): Promise<number> {
  const pending = new Set<Promise<void>>();
  let skipped = 0;
  for (let beat = performance.now(); beat < end; beat += 1000 / PAGE_VIEWS_PER_SECOND) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, beat - performance.now())));
    if (pending.size >= PAGE_CONCURRENCY) {
      skipped++;
      continue;
    }
    const running = view().finally(() => pending.delete(running));
    pending.add(running);
  }
  await Promise.all(pending);
  return skipped;
}

/** Waits until `seconds` after `started` (performance.now()). */
const atSecond = (started: number, seconds: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, started + seconds * 1000 - performance.now())));

function percentile(values: number[], p: number): number {
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

/** The most timestamps (sorted, ms) within any window of `windowMs`, as (t − window, t]. */
function slidingMax(times: number[], windowMs: number): number {
  let max = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[first]! <= times[last]! - windowMs) first++;
    max = Math.max(max, last - first + 1);
  }
  return max;
}
