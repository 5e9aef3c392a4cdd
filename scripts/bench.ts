import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { createLocalJWKSet, importJWK, jwtVerify, SignJWT } from "jose";
import pg from "pg";
import { benchBudget } from "./bench-budget"; // feature:token-budget
import { sessionCookie } from "./bench/sessions";
import { startLocalServices } from "./local/services";

// One table from one run, against a production build (`next start`), the embedded Postgres and the local UniAuth,
// all on this machine: page views anonymous and signed in, the edge redirect, back-channel logout end to end, and
// the sizes that ship. Load comes from wrk (a C load generator; `apt-get install wrk` / `brew install wrk`): a
// Node client would measure itself. Absolute rates follow the machine; compare the ratios.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = 3;
const PAGE_CONNECTIONS = 10;
const LOGOUT_CONNECTIONS = 16;
const TOKENS = Number(process.env.BENCH_TOKENS ?? 12_000);
const port = 3200;
const appUrl = `http://localhost:${port}`;
const EVENT = "http://schemas.openid.net/event/backchannel-logout";

// One wrk thread, so one Lua state hands out each token exactly once; every answer is counted by status.
const LOGOUT_LUA = `
local tokens, threads = {}, {}
for line in io.lines("TOKENS_FILE") do tokens[#tokens + 1] = line end
next_token, ok, other = 0, 0, 0
setup = function(thread) threads[#threads + 1] = thread end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
request = function()
  next_token = next_token + 1
  return wrk.format(nil, nil, nil, "logout_token=" .. (tokens[next_token] or "exhausted"))
end
response = function(status)
  if status == 200 then ok = ok + 1 else other = other + 1 end
end
done = function(summary)
  local thread = threads[1]
  io.write(string.format('RESULT {"ok": %d, "other": %d, "seconds": %f}\\n', thread:get("ok"), thread:get("other"), summary.duration / 1e6))
end
`;

// Counts answers with the expected status, so a page that errors or redirects is never measured as fast.
const PAGE_LUA = `
local threads = {}
ok, other = 0, 0
setup = function(thread) threads[#threads + 1] = thread end
response = function(status)
  if status == EXPECTED then ok = ok + 1 else other = other + 1 end
end
done = function(summary)
  local thread = threads[1]
  io.write(string.format('RESULT {"ok": %d, "other": %d, "seconds": %f}\\n', thread:get("ok"), thread:get("other"), summary.duration / 1e6))
end
`;

// feature:token-budget begin
// `npm run bench -- budget [attack|capacity]`: the token budget's load simulations alone (scripts/bench-budget.ts), with its own build.
if (process.argv[2] === "budget") {
  await benchBudget({ build: true, only: process.argv[3] });
  process.exit(0);
}
// feature:token-budget end

try {
  execFileSync("wrk", ["--version"], { stdio: "ignore" });
} catch (error) {
  // wrk prints its version and exits 1; only a missing binary is a problem.
  if ((error as NodeJS.ErrnoException).code === "ENOENT") {
    console.error("npm run bench needs wrk: apt-get install wrk (Debian/Ubuntu) or brew install wrk (macOS).");
    process.exit(1);
  }
}

const services = await startLocalServices({ projectDir: process.cwd(), appUrl, env: {}, postgresPort: 55433, uniauthPort: 4200, persistent: false, uniauthRateLimits: false });
const env = { ...process.env, ...services.env, AUTH_URL: appUrl, NEXT_TELEMETRY_DISABLED: "1" };
const { issuer, keys, events } = services.uniauth!;
const clientId = services.env.UNIAUTH_CLIENT_ID!;
const db = new pg.Pool({ connectionString: services.env.DATABASE_URL, max: 2 });
// Postgres stopping at the end drops idle connections; that is not an error worth crashing the report for.
db.on("error", () => {});
const workDir = await mkdtemp(path.join(os.tmpdir(), "bench-"));
let server: ReturnType<typeof spawn> | undefined;

function next(args: string[]): ReturnType<typeof spawn> {
  // BENCH_CPU_PROF=<dir> profiles the server (`node --cpu-prof`) for the whole run: profile before optimising.
  const profile = args[0] === "start" && process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  // The server's own output (an auth event line per logout) is dropped: a pipe nobody reads while wrk runs would
  // fill up and stall the server.
  return spawn(process.execPath, [...profile, "node_modules/next/dist/bin/next", ...args], { env, stdio: ["ignore", args[0] === "start" ? "ignore" : "inherit", "inherit"] });
}

function exited(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next exited with ${code}`)))));
}

async function ready(): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (await fetch(`${appUrl}/api/health`).then((response) => response.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("next start did not become ready");
}

interface WrkResult {
  ok: number;
  other: number;
  seconds: number;
}

function wrk(script: string, url: string, connections: number, headers: string[] = [], seconds = SECONDS): WrkResult {
  const args = ["-t1", `-c${connections}`, `-d${seconds}s`, "-s", script, ...headers.flatMap((header) => ["-H", header]), url];
  const output = execFileSync("wrk", args).toString();
  return JSON.parse(output.slice(output.indexOf("RESULT ") + 7).split("\n")[0]!) as WrkResult;
}

/** Page views answered with `expected`; throws if any answer was something else. */
interface PageRun {
  label: string;
  pathname: string;
  expected: number;
  cookie?: string;
}

/** One wrk run of a page; throws if any answer was not the expected status. */
async function pageViews({ label, pathname, expected, cookie }: PageRun, seconds: number): Promise<WrkResult> {
  const script = path.join(workDir, `page-${expected}.lua`);
  await writeFile(script, PAGE_LUA.replace("EXPECTED", String(expected)));
  const result = wrk(script, `${appUrl}${pathname}`, PAGE_CONNECTIONS, cookie ? [`Cookie: ${cookie}`] : [], seconds);
  if (result.other > 0 || result.ok === 0) throw new Error(`${label}: ${result.other} of ${result.ok + result.other} answers were not ${expected}`);
  return result;
}

/**
 * Requests per second of each page: the median of ROUNDS runs taken in turn (A B C, A B C, …), so that a machine
 * whose speed drifts during the run (a shared VM) weighs on every page alike. Each page is warmed up first.
 */
async function pageRates<K extends string>(pages: Record<K, PageRun>): Promise<Record<K, number>> {
  const entries = Object.entries(pages) as [K, PageRun][];
  for (const [, page] of entries) await pageViews(page, 2);
  const runs = new Map<K, number[]>(entries.map(([key]) => [key, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [key, page] of entries) runs.get(key)!.push(perSecond(await pageViews(page, SECONDS)));
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return Object.fromEntries(entries.map(([key]) => [key, median(runs.get(key)!)])) as Record<K, number>;
}

const perSecond = (result: WrkResult) => result.ok / result.seconds;

/** Gzipped bytes of files under .next/, in KB. */
async function gzippedKb(files: string[]): Promise<number> {
  let bytes = 0;
  for (const file of files) bytes += gzipSync(await readFile(path.join(".next", file)), { level: 9 }).byteLength;
  return bytes / 1024;
}

async function middlewareKb(): Promise<number> {
  const manifest = JSON.parse(await readFile(".next/server/middleware-manifest.json", "utf8"));
  const files = Object.values(manifest.middleware as Record<string, { files: string[] }>).flatMap((entry) => entry.files);
  return gzippedKb([...new Set(files)]);
}

/** The JavaScript a first visit to a page downloads: every script the HTML names, gzipped. */
async function firstLoadJsKb(html: string): Promise<number> {
  const scripts = [...html.matchAll(/<script[^>]+src="\/_next\/(static\/[^"]+\.js)"/g)].map((match) => match[1]!);
  return gzippedKb([...new Set(scripts)]);
}

try {
  console.log("Building the app (next build)…");
  await exited(next(["build"]));
  server = next(["start", "--port", String(port)]);
  await ready();

  const sub = "b".repeat(64);
  const userId = randomUUID();
  await db.query(`insert into "User" (id, email, "emailVerified", name, "updatedAt") values ($1, 'bench@example.com', true, 'Bench Member', now())`, [userId]);
  await db.query(`insert into "Account" (id, "userId", provider, issuer, "clientId", "providerAccountId") values ($1, $2, 'uniauth', $3, $4, $5)`, [
    randomUUID(),
    userId,
    issuer,
    clientId,
    sub,
  ]);

  // A signed-in browser: a Session row whose access token is fresh (no refresh during the run), and the cookie
  // Auth.js would have set for it (scripts/bench/sessions.ts).
  const browserSession = randomUUID();
  const expiresAt = new Date(Date.now() + 86_400_000);
  await db.query(
    `insert into "Session" (id, "userId", issuer, sid, "expiresAt", "accessTokenExpiresAt", "refreshToken")
     values ($1, $2, $3, 'bench-browser', $4, $4, 'bench-refresh-token')`,
    [browserSession, userId, issuer, expiresAt],
  );
  const cookie = await sessionCookie(services.env.AUTH_SECRET!, { id: browserSession, expiresAt }, {
    id: userId,
    name: "Bench Member",
    email: "bench@example.com",
    groups: [],
    isStaff: false,
    isSuperuser: false,
  });
  const dashboard = await fetch(`${appUrl}/dashboard`, { headers: { cookie }, redirect: "manual" });
  const dashboardHtml = await dashboard.text();
  if (dashboard.status !== 200 || !/Welcome, (<!-- -->)?Bench Member/.test(dashboardHtml)) throw new Error(`signed-in /dashboard answered ${dashboard.status}`);
  const setCookie = dashboard.headers.get("set-cookie");

  console.log("Page views…");
  const { anonymousHome, signedInHome, signedInDashboard, edgeRedirect } = await pageRates({
    anonymousHome: { label: "anonymous /", pathname: "/", expected: 200 },
    signedInHome: { label: "signed-in /", pathname: "/", expected: 200, cookie },
    signedInDashboard: { label: "signed-in /dashboard", pathname: "/dashboard", expected: 200, cookie },
    edgeRedirect: { label: "anonymous /dashboard", pathname: "/dashboard", expected: 307 },
  });

  const sessionIds = await db.query(
    `insert into "Session" (id, "userId", issuer, sid, "expiresAt", "createdAt")
     select gen_random_uuid()::text, $1, $2, 'sid-' || i, now() + interval '1 day', now() - interval '1 minute'
     from generate_series(1, $3::int) i returning id`,
    [userId, issuer, TOKENS],
  );

  console.log(`Minting ${TOKENS} logout tokens…`);
  const key = await importJWK(keys.rsa, "RS256");
  const tokens: string[] = [];
  for (let i = 0; i <= TOKENS; i++) {
    tokens.push(
      await new SignJWT({ sid: `sid-${i}`, sub, jti: randomUUID(), events: { [EVENT]: {} } })
        .setProtectedHeader({ alg: "RS256", kid: keys.rsa.kid, typ: "logout+jwt" })
        .setIssuer(issuer)
        .setAudience(clientId)
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(key),
    );
  }
  // Warm-up with token 0: the app fetches discovery and the JWKS once, here.
  const warmUp = await fetch(`${appUrl}/api/auth/backchannel-logout`, {
    method: "POST",
    body: new URLSearchParams({ logout_token: tokens.shift()! }),
  });
  if (warmUp.status !== 200) throw new Error(`warm-up answered ${warmUp.status}: ${await warmUp.text()}`);

  await writeFile(path.join(workDir, "tokens.txt"), tokens.join("\n"));
  await writeFile(path.join(workDir, "logout.lua"), LOGOUT_LUA.replace("TOKENS_FILE", path.join(workDir, "tokens.txt")));
  const eventsBefore = events.length;
  const logout = wrk(path.join(workDir, "logout.lua"), `${appUrl}/api/auth/backchannel-logout`, LOGOUT_CONNECTIONS);
  const uniauthCalls = events.length - eventsBefore;
  const remaining = Number((await db.query(`select count(*) from "Session" where "userId" = $1 and sid like 'sid-%'`, [userId])).rows[0].count);
  const ended = sessionIds.rowCount! - remaining;

  const { rsa } = keys;
  const localKeys = createLocalJWKSet({ keys: [{ kty: rsa.kty, n: rsa.n, e: rsa.e, kid: rsa.kid, alg: "RS256" }] });
  const sample = tokens.slice(0, 3000);
  const verifyStart = performance.now();
  for (const token of sample) await jwtVerify(token, localKeys, { algorithms: ["RS256"], issuer, audience: clientId });
  const bare = sample.length / ((performance.now() - verifyStart) / 1000);
  const endToEnd = logout.ok / logout.seconds;

  const edgeKb = await middlewareKb();
  const firstLoadKb = await firstLoadJsKb(dashboardHtml);
  const ratio = (value: number) => `${(value / anonymousHome).toFixed(2)}×`;
  const rate = (value: number) => `${value.toFixed(0)} req/s`;
  const verdict = (met: boolean) => (met ? "met" : "NOT met");
  const logoutRatio = bare / endToEnd;

  console.log(`
npm run bench — ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}; wrk, 1 thread; pages: median of ${ROUNDS} runs of ${SECONDS} s, taken in turn

| what | figure | ratio | target |
|---|---|---|---|
| anonymous \`/\` (${PAGE_CONNECTIONS} connections) | ${rate(anonymousHome)} | 1 | |
| signed-in \`/\` | ${rate(signedInHome)} | ${ratio(signedInHome)} anonymous | ≥ 0.85×: ${verdict(signedInHome / anonymousHome >= 0.85)} |
| signed-in \`/dashboard\` | ${rate(signedInDashboard)} | ${ratio(signedInDashboard)} anonymous | ≥ 0.55×: ${verdict(signedInDashboard / anonymousHome >= 0.55)} |
| anonymous \`/dashboard\` (edge redirect) | ${rate(edgeRedirect)} | ${ratio(edgeRedirect)} anonymous | |
| back-channel logout, end to end (${LOGOUT_CONNECTIONS} connections) | ${endToEnd.toFixed(0)} tokens/s | ${logoutRatio.toFixed(1)}× a bare jwtVerify (${bare.toFixed(0)}/s) | ≤ 11×: ${verdict(logoutRatio <= 11 && logout.other === 0)} |
| edge middleware | ${edgeKb.toFixed(1)} KB gzip | | ≤ 70 KB: ${verdict(edgeKb <= 70)} |
| first-load JS of \`/dashboard\` | ${firstLoadKb.toFixed(1)} KB gzip | | |

Signed-in page views set a cookie: ${setCookie ? "yes" : "no"} (target no)
Back-channel: ${logout.ok} answered 200, ${logout.other} other; sessions ended ${ended} (the 200s, plus up to ${LOGOUT_CONNECTIONS} in flight when wrk stopped)
UniAuth requests during the back-channel run: ${uniauthCalls} (target 0)`);
} finally {
  server?.kill("SIGINT");
  await db.end();
  await services.stop();
  await rm(workDir, { recursive: true, force: true });
}

// feature:token-budget begin
// Then the token budget's load simulation, on the build made above.
await benchBudget({ build: false });
// feature:token-budget end
