import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createLocalJWKSet, importJWK, jwtVerify, SignJWT } from "jose";
import pg from "pg";
import { startLocalServices } from "./local/services";

// Back-channel logout throughput, end to end: HTTP request → verification → jti record + session delete → 200,
// against a production build, the embedded Postgres and the local UniAuth, all on this machine. The load comes
// from wrk (a C load generator; `apt-get install wrk` / `brew install wrk`): a Node client would measure itself.
const TOKENS = Number(process.env.BENCH_TOKENS ?? 12_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const port = 3200;
const appUrl = `http://localhost:${port}`;
const EVENT = "http://schemas.openid.net/event/backchannel-logout";

// One wrk thread, so one Lua state hands out each token exactly once; every answer is counted by status.
const LUA = `
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

try {
  execFileSync("wrk", ["--version"], { stdio: "ignore" });
} catch (error) {
  // wrk prints its version and exits 1; only a missing binary is a problem.
  if ((error as NodeJS.ErrnoException).code === "ENOENT") {
    console.error("npm run bench needs wrk: apt-get install wrk (Debian/Ubuntu) or brew install wrk (macOS).");
    process.exit(1);
  }
}

const services = await startLocalServices({ projectDir: process.cwd(), appUrl, env: {}, postgresPort: 55433, uniauthPort: 4200, persistent: false });
const env = { ...process.env, ...services.env, AUTH_URL: appUrl, NEXT_TELEMETRY_DISABLED: "1" };
const { issuer, keys, events } = services.uniauth!;
const clientId = services.env.UNIAUTH_CLIENT_ID!;
const db = new pg.Pool({ connectionString: services.env.DATABASE_URL, max: 2 });
const workDir = await mkdtemp(path.join(os.tmpdir(), "bench-"));
let server: ReturnType<typeof spawn> | undefined;

function next(args: string[], readyLine?: string): Promise<ReturnType<typeof spawn>> {
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", ...args], { env, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => readyLine && chunk.toString().includes(readyLine) && resolve(child));
    child.on("exit", (code) => (code === 0 ? resolve(child) : reject(new Error(`next ${args[0]} exited with ${code}`))));
  });
}

try {
  console.log("Building the app (next build)…");
  await next(["build"]);
  server = await next(["start", "--port", String(port)], "Ready");

  const sub = "b".repeat(64);
  const userId = randomUUID();
  await db.query(`insert into "User" (id, email, "emailVerified", "updatedAt") values ($1, 'bench@example.com', true, now())`, [userId]);
  await db.query(`insert into "Account" (id, "userId", provider, issuer, "clientId", "providerAccountId") values ($1, $2, 'uniauth', $3, $4, $5)`, [
    randomUUID(),
    userId,
    issuer,
    clientId,
    sub,
  ]);
  await db.query(
    `insert into "Session" (id, "userId", issuer, sid, "expiresAt", "createdAt")
     select gen_random_uuid()::text, $1, $2, 'sid-' || i, now() + interval '1 day', now() - interval '1 minute'
     from generate_series(1, $3::int) i`,
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
  await writeFile(path.join(workDir, "logout.lua"), LUA.replace("TOKENS_FILE", path.join(workDir, "tokens.txt")));
  const eventsBefore = events.length;
  const output = execFileSync("wrk", ["-t1", `-c${CONNECTIONS}`, `-d${SECONDS}s`, "-s", path.join(workDir, "logout.lua"), `${appUrl}/api/auth/backchannel-logout`]).toString();
  const result = JSON.parse(output.slice(output.indexOf("RESULT ") + 7).split("\n")[0]!) as { ok: number; other: number; seconds: number };
  const uniauthCalls = events.length - eventsBefore;
  const ended = TOKENS - Number((await db.query(`select count(*) from "Session" where "userId" = $1`, [userId])).rows[0].count);

  const { rsa } = keys;
  const localKeys = createLocalJWKSet({ keys: [{ kty: rsa.kty, n: rsa.n, e: rsa.e, kid: rsa.kid, alg: "RS256" }] });
  const sample = tokens.slice(0, 3000);
  const verifyStart = performance.now();
  for (const token of sample) await jwtVerify(token, localKeys, { algorithms: ["RS256"], issuer, audience: clientId });
  const bare = sample.length / ((performance.now() - verifyStart) / 1000);

  const endToEnd = result.ok / result.seconds;
  console.log(`
Back-channel logout: ${CONNECTIONS} connections for ${result.seconds.toFixed(1)} s (wrk, 1 thread)
  end to end (HTTP → verify → jti + delete → 200): ${endToEnd.toFixed(0)} tokens/s, ${result.ok} answered 200, ${result.other} other
  bare jwtVerify of the same tokens, in process:   ${bare.toFixed(0)} tokens/s
  end to end costs ${(bare / endToEnd).toFixed(1)}× a bare jwtVerify
  sessions ended: ${ended} (the 200s, plus up to ${CONNECTIONS} requests still in flight when wrk stopped)
  UniAuth requests during the run: ${uniauthCalls} (target 0)
  target ≥ 500 tokens/s: ${endToEnd >= 500 && result.other === 0 && ended >= result.ok && ended <= result.ok + CONNECTIONS ? "met" : "NOT met"}`);
} finally {
  server?.kill("SIGTERM");
  await db.end();
  await services.stop();
  await rm(workDir, { recursive: true, force: true });
}
