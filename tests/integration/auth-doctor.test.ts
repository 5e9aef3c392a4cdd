import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CLOCK_SKEW_SECONDS } from "@/lib/auth/core/logout/logout-token";
import { type CheckResult, type DoctorInput, exitCode } from "../../scripts/doctor/check";
import { runDoctor } from "../../scripts/doctor/run";
import { CLOCK_TOLERANCE_SECONDS } from "../../scripts/doctor/uniauth";
import { testEnv } from "../support/env";
import { unreachableDatabaseUrl } from "../support/fresh-import";
import { localUniAuth } from "../support/uniauth";

const projectDir = process.cwd();
/** The CLI starts a TypeScript process of its own: seconds on a busy machine. */
const CLI_TIMEOUT_MS = 60_000;

/** Starts an HTTP server on a free loopback port; stopped after all tests. */
const servers: http.Server[] = [];
async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler).listen(0, "127.0.0.1");
  servers.push(server);
  await new Promise((resolve) => server.once("listening", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The app as UniAuth reaches it: its back-channel receiver answers a GET with this status (405: the receiver is there). */
let appStatus = 405;
/** A UniAuth whose discovery is the stand-in's with changes, under its own issuer, with a Date header this far off. */
const tweaks: { discovery: (document: Record<string, unknown>) => void; clockOffsetMs: number } = { discovery: () => {}, clockOffsetMs: 0 };
let appUrl: string;
let tweakedIssuer: string;
let tempDir: string;

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(tmpdir(), "auth-doctor-"));
  appUrl = await serve((request, response) => {
    response.statusCode = request.url === "/api/auth/backchannel-logout" ? appStatus : 404;
    response.end();
  });
  tweakedIssuer = await serve(async (request, response) => {
    if (request.url !== "/.well-known/openid-configuration") return void response.writeHead(404).end();
    const document = (await (await fetch(`${testEnv("UNIAUTH_ISSUER")}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    document.issuer = tweakedIssuer;
    tweaks.discovery(document);
    response.setHeader("Date", new Date(Date.now() + tweaks.clockOffsetMs).toUTCString());
    response.setHeader("Content-Type", "application/json");
    response.end(JSON.stringify(document));
  });
});

afterEach(async () => {
  appStatus = 405;
  Object.assign(tweaks, { discovery: () => {}, clockOffsetMs: 0 });
  await localUniAuth.reset();
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await rm(tempDir, { recursive: true, force: true });
});

/** A deployment configured as the kit needs it: the test database, the stand-in, a generated secret. */
function goodEnv(): Record<string, string> {
  return {
    AUTH_SECRET: testEnv("AUTH_SECRET"),
    AUTH_URL: appUrl,
    UNIAUTH_ISSUER: testEnv("UNIAUTH_ISSUER"),
    UNIAUTH_CLIENT_ID: testEnv("UNIAUTH_CLIENT_ID"),
    UNIAUTH_CLIENT_SECRET: testEnv("UNIAUTH_CLIENT_SECRET"),
    DATABASE_URL: testEnv("DATABASE_URL"),
  };
}

function doctor(env: Record<string, string>, options: Partial<DoctorInput> = {}): Promise<CheckResult[]> {
  return runDoctor({ env, production: false, projectDir, timeoutMs: 5_000, ...options });
}

const withStatus = (results: CheckResult[], status: CheckResult["status"]) => results.filter((result) => result.status === status).map((result) => result.name);
const line = (results: CheckResult[], name: string) => results.find((result) => result.name === name)!;

/** Every check, in its order. */
const CHECKS = [
  "settings", "auth-url", "auth-secret", "database", "migrations", "discovery", "issuer", "id-token-alg", "pkce", "end-session",
  "backchannel-logout", "backchannel-sid", "jwks", "clock", "backchannel-uri",
  "token-budget", // feature:token-budget
  "advisories",
];

describe("npm run auth:doctor", () => {
  it("passes every check of a good configuration, and runs as a CLI: one line per check, exit 0", async () => {
    const results = await doctor(goodEnv());
    expect(results.filter((result) => result.status !== "ok")).toEqual([]);
    expect(results.map((result) => result.name)).toEqual(CHECKS);
    expect(exitCode(results)).toBe(0);

    const cli = await runCli(goodEnv());
    expect(cli.code).toBe(0);
    const lines = cli.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^auth:doctor: development rules/);
    expect(lines.slice(1, -1).map((text) => text.split(/\s+/).slice(0, 2))).toEqual(results.map((result) => ["ok", result.name]));
    expect(lines.at(-1)).toMatch(new RegExp(`^passed: ${CHECKS.length} ok, 0 warnings, 0 failed, 0 skipped`));
    for (const secret of [testEnv("AUTH_SECRET"), testEnv("UNIAUTH_CLIENT_SECRET"), new URL(testEnv("DATABASE_URL")).password]) {
      expect(cli.stdout).not.toContain(secret);
    }
  }, CLI_TIMEOUT_MS);

  it("as a CLI, exits 1 with a FAIL line for a broken setting (production rules: an http AUTH_URL)", async () => {
    const cli = await runCli({ ...goodEnv(), NODE_ENV: "production" });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/^auth:doctor: production rules/);
    expect(cli.stdout).toMatch(/^FAIL {2}auth-url +http:\/\/127\.0\.0\.1:\d+ is not https/m);
    expect(cli.stdout.match(/^FAIL /gm)).toHaveLength(1);
    expect(cli.stdout.trim().split("\n").at(-1)).toMatch(new RegExp(`^FAILED: ${CHECKS.length - 1} ok, 0 warnings, 1 failed`));
  }, CLI_TIMEOUT_MS);

  it("fails the issuer check when UNIAUTH_ISSUER differs from discovery's issuer by a trailing slash", async () => {
    const results = await doctor({ ...goodEnv(), UNIAUTH_ISSUER: `${testEnv("UNIAUTH_ISSUER")}/` });
    expect(withStatus(results, "fail")).toEqual(["issuer"]);
    expect(line(results, "issuer").finding).toContain("trailing slash");
    expect(exitCode(results)).toBe(1);
  });

  it("fails an http AUTH_URL under production rules only", async () => {
    expect(withStatus(await doctor(goodEnv(), { production: true }), "fail")).toEqual(["auth-url"]);
    expect(line(await doctor(goodEnv()), "auth-url").status).toBe("ok");
  });

  it("fails a weak secret, naming the variable and never its value", async () => {
    for (const weak of ["change-me-change-me-change-me-change-me", "a".repeat(44), "ab12".repeat(11)]) {
      const results = await doctor({ ...goodEnv(), AUTH_SECRET_1: weak });
      expect(withStatus(results, "fail")).toEqual(["auth-secret"]);
      expect(line(results, "auth-secret").finding).toMatch(/^AUTH_SECRET_1: /);
      expect(results.map((result) => result.finding).join("\n")).not.toContain(weak);
    }
  });

  it("fails an unreachable database, and skips the migrations it cannot read", async () => {
    const results = await doctor({ ...goodEnv(), DATABASE_URL: unreachableDatabaseUrl(testEnv("DATABASE_URL")) }, { timeoutMs: 2_000 });
    expect(withStatus(results, "fail")).toEqual(["database"]);
    expect(line(results, "database").finding).toMatch(/:9\/.*ECONNREFUSED/);
    expect(line(results, "migrations").status).toBe("skip");
  });

  it("fails a migration in prisma/migrations the database lacks, and one the database has that the folder lacks", async () => {
    const pending = path.join(tempDir, "pending");
    await cp("prisma/migrations", pending, { recursive: true });
    await mkdir(path.join(pending, "29991231000000_not_yet_deployed"));
    await writeFile(path.join(pending, "29991231000000_not_yet_deployed", "migration.sql"), "SELECT 1;\n");
    const results = await doctor(goodEnv(), { migrationsDir: pending });
    expect(withStatus(results, "fail")).toEqual(["migrations"]);
    expect(line(results, "migrations").finding).toBe("not applied: 29991231000000_not_yet_deployed (npm run db:deploy)");

    const behind = path.join(tempDir, "behind");
    await cp("prisma/migrations", behind, { recursive: true });
    const newest = (await readdir(behind)).filter((name) => /^\d+_/.test(name)).sort().at(-1)!;
    await rm(path.join(behind, newest), { recursive: true });
    const ahead = await doctor(goodEnv(), { migrationsDir: behind });
    expect(withStatus(ahead, "fail")).toEqual(["migrations"]);
    expect(line(ahead, "migrations").finding).toContain(`applied but not in prisma/migrations: ${newest}`);
  });

  it("fails a discovery without back-channel logout (the stand-in's switch), skipping the sid check", async () => {
    await localUniAuth.setQuirks({ backchannelLogoutAdvertised: false });
    const results = await doctor(goodEnv());
    expect(withStatus(results, "fail")).toEqual(["backchannel-logout"]);
    expect(line(results, "backchannel-sid").status).toBe("skip");
  });

  it("warns, without failing, when ID tokens may lack sid", async () => {
    tweaks.discovery = (document) => void (document.backchannel_logout_session_supported = false);
    const results = await doctor({ ...goodEnv(), UNIAUTH_ISSUER: tweakedIssuer });
    expect(withStatus(results, "warn")).toEqual(["backchannel-sid"]);
    expect(exitCode(results)).toBe(0);
  });

  it("fails a discovery without PKCE S256, or without RS256 and an end-session endpoint", async () => {
    tweaks.discovery = (document) => void (document.code_challenge_methods_supported = ["plain"]);
    const results = await doctor({ ...goodEnv(), UNIAUTH_ISSUER: tweakedIssuer });
    expect(withStatus(results, "fail")).toEqual(["pkce"]);
    expect(line(results, "pkce").finding).toContain("(plain)");

    tweaks.discovery = (document) => {
      document.id_token_signing_alg_values_supported = ["HS256"];
      delete document.end_session_endpoint;
    };
    expect(withStatus(await doctor({ ...goodEnv(), UNIAUTH_ISSUER: tweakedIssuer }), "fail")).toEqual(["id-token-alg", "end-session"]);
  });

  it("warns about a clock 10 s off and fails one a minute off, from UniAuth's Date header", async () => {
    expect(CLOCK_TOLERANCE_SECONDS).toBe(CLOCK_SKEW_SECONDS);
    tweaks.clockOffsetMs = 10_000;
    const drifting = await doctor({ ...goodEnv(), UNIAUTH_ISSUER: tweakedIssuer });
    expect(withStatus(drifting, "warn")).toEqual(["clock"]);
    expect(exitCode(drifting)).toBe(0);

    tweaks.clockOffsetMs = -60_000;
    const off = await doctor({ ...goodEnv(), UNIAUTH_ISSUER: tweakedIssuer });
    expect(withStatus(off, "fail")).toEqual(["clock"]);
    expect(line(off, "clock").finding).toMatch(/^UniAuth's clock is (59|60|61)\.\d s behind this machine's/);
  });

  // feature:token-budget begin
  it("fails budget shares that leave no open pool, and a limit above UniAuth's", async () => {
    const noPool = await doctor({ ...goodEnv(), UNIAUTH_REFRESH_SHARE: "20", UNIAUTH_KNOWN_DEVICE_SHARE: "10" });
    // lib/env-schema.ts refuses it too, so the app would not start: the doctor says why on the budget's own line.
    expect(withStatus(noPool, "fail")).toEqual(["settings", "token-budget"]);
    expect(line(noPool, "token-budget").finding).toContain("leave no open pool");

    const aboveUniAuth = await doctor({ ...goodEnv(), UNIAUTH_TOKEN_LIMIT: "30", UNIAUTH_RATE_WINDOW_SECONDS: "300" });
    expect(withStatus(aboveUniAuth, "fail")).toEqual(["token-budget"]);
    expect(line(aboveUniAuth, "token-budget").finding).toContain("can exceed UniAuth's 30 per 900 s");
  });
  // feature:token-budget end

  it("fails a back-channel logout URI that answers 401 (Deployment Protection) instead of reaching the receiver", async () => {
    appStatus = 401;
    const results = await doctor(goodEnv());
    expect(withStatus(results, "fail")).toEqual(["backchannel-uri"]);
  });

  it("fails when an advisory in the list covers the installed next-auth", async () => {
    const fixture = path.join(tempDir, "advisories.json");
    await writeFile(
      fixture,
      JSON.stringify({
        reviewed: "2026-12-07",
        advisories: [
          { id: "GHSA-0000-0000-0000", package: "next-auth", affected: ">=5.0.0-beta.0 <=5.0.0-beta.32", fixedIn: ["5.0.0-beta.33"], summary: "A test fixture", url: "https://advisories.example/GHSA-0000-0000-0000" },
        ],
      }),
    );
    const results = await doctor(goodEnv(), { advisoriesFile: fixture });
    expect(withStatus(results, "fail")).toEqual(["advisories"]);
    expect(line(results, "advisories").finding).toMatch(/^next-auth 5\.0\.0-beta\.32 has GHSA-0000-0000-0000 \(fixed in 5\.0\.0-beta\.33\)/);
  });
});

/** The CLI as an operator runs it, in this checkout, with exactly this environment (no .env file: Next's flag says they are loaded). */
async function runCli(env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  const childEnv: Record<string, string | undefined> = { PATH: process.env.PATH, __NEXT_PROCESSED_ENV: "true", ...env };
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/auth-doctor.ts"], {
      env: childEnv as NodeJS.ProcessEnv,
      timeout: CLI_TIMEOUT_MS,
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    if (typeof failed.code !== "number") throw error;
    return { code: failed.code, stdout: failed.stdout ?? "" };
  }
}
