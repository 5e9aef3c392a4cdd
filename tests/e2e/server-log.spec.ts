import { readFile } from "node:fs/promises";
import pg from "pg";
import { AUTH_EVENT_KINDS } from "@/lib/auth/core/events"; // feature:audit-trail
import { testEnv, testWorlds } from "../support/env";
import { TEST_RESULTS } from "../support/test-results";
import { localUniAuth } from "../support/uniauth";
import { expect, storedTokens, test } from "./fixtures";

// The last check of an e2e run (its own Playwright project, after every journey): what the app printed while
// the journeys ran, in every worker's world. It only means something after all of them, so it runs only with the
// whole suite.

const worlds = testWorlds();

type EventLine = { event: string; at: string; [field: string]: unknown };

const FIELDS = new Set(["event", "at", "userId", "sessionId", "actorUserId", "acr", "amr", "reason", "sessionsEnded", "devicesForgotten", "delayMs"]);

async function serverLog(): Promise<string> {
  return (await Promise.all(worlds.map((world) => readFile(world.E2E_SERVER_LOG, "utf8")))).join("\n");
}

/** The rows of `sql` in every world's database, one list. */
async function everyDatabase<Row extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<Row[]> {
  const rows = await Promise.all(
    worlds.map(async (world) => {
      const client = new pg.Client(world.DATABASE_URL);
      await client.connect();
      try {
        return (await client.query<Row>(sql, values)).rows;
      } finally {
        await client.end();
      }
    }),
  );
  return rows.flat();
}

function eventLines(log: string): EventLine[] {
  return log
    .split("\n")
    .filter((line) => line.startsWith('{"event":'))
    .map((line) => JSON.parse(line) as EventLine);
}

test("every auth event the journeys caused is one JSON line, with its user and session", async () => {
  const events = eventLines(await serverLog());
  const of = (name: string) => events.filter((line) => line.event === name);
  const userIds = new Set((await everyDatabase<{ id: string }>(`select id from "User"`)).map((row) => row.id));
  const aUser = expect.any(String);
  const aSession = expect.stringMatching(/^[\w-]{20,}$/);

  for (const line of events) {
    expect(Object.keys(line).filter((field) => !FIELDS.has(field)), `fields of ${line.event}`).toEqual([]);
    expect(new Date(line.at).toISOString()).toBe(line.at);
    for (const id of [line.userId, line.actorUserId]) if (id !== undefined) expect(userIds, `a user id in ${line.event}`).toContain(id);
  }
  expect(of("signin.accepted")).toContainEqual(expect.objectContaining({ userId: aUser, sessionId: aSession, acr: "urn:uniauth:acr:pwd", amr: ["pwd"] }));
  expect(of("signin.refused")).toContainEqual(expect.objectContaining({ reason: "EmailUnverified" }));
  expect(of("signin.refused")).toContainEqual(expect.objectContaining({ reason: "InvalidCheck" }));
  expect(of("signout")).toContainEqual(expect.objectContaining({ userId: aUser, sessionId: aSession }));
  expect(of("logout.backchannel")).toContainEqual(expect.objectContaining({ userId: aUser, sessionsEnded: 1 }));
  expect(of("logout.backchannel.rejected")).toContainEqual(expect.objectContaining({ reason: expect.stringMatching(/^invalid_request: /) }));
  expect(of("logout.frontchannel")).toContainEqual(expect.objectContaining({ sessionsEnded: 0 })); // feature:frontchannel-logout
  expect(of("refresh.ended")).toContainEqual(expect.objectContaining({ userId: aUser, sessionId: aSession, reason: "invalid_grant" }));
  expect(of("refresh.backed_off")).toContainEqual(expect.objectContaining({ userId: aUser, sessionId: aSession, reason: "429 rate_limited", delayMs: 2000 }));
  expect(of("sessions.ended_by_admin")).toContainEqual(expect.objectContaining({ actorUserId: aUser, userId: aUser, sessionsEnded: expect.any(Number) }));
  expect(of("sessions.ended_by_admin")).toContainEqual(expect.objectContaining({ devicesForgotten: expect.any(Number) })); // feature:token-budget
  expect(of("sessions.ended_by_user")).toContainEqual(expect.objectContaining({ userId: aUser, sessionId: aSession, sessionsEnded: expect.any(Number) }));
  expect(of("stepup.required")).toContainEqual(expect.objectContaining({ userId: aUser, sessionId: aSession })); // feature:step-up
  expect(of("stepup.accepted")).toContainEqual(expect.objectContaining({ userId: aUser, sessionId: aSession, acr: "urn:uniauth:acr:mfa", amr: ["pwd", "otp", "mfa"] })); // feature:step-up
  expect(of("stepup.refused")).toContainEqual(expect.objectContaining({ userId: aUser, sessionId: aSession, reason: "AnotherAccount" })); // feature:step-up
  expect(of("stepup.refused")).toContainEqual(expect.objectContaining({ reason: "AcrNotMet" })); // feature:step-up
});

// feature:audit-trail begin
/**
 * Kinds no journey causes: `audit.dropped` needs a flood of over 120 unauthenticated events a minute from one source
 * (tests/integration/audit-trail.test.ts makes one), which would also keep this run's own events out of the trail.
 */
const ONLY_UNDER_FLOOD = new Set(["audit.dropped"]);
/** Kinds only an optional feature causes, and those of them whose feature is installed (docs/features.md). */
const FEATURE_KINDS = new Set(["stepup.required", "stepup.accepted", "stepup.refused", "logout.frontchannel"]);
const INSTALLED_FEATURE_KINDS = new Set<string>([
  ...["stepup.required", "stepup.accepted", "stepup.refused"], // feature:step-up
  "logout.frontchannel", // feature:frontchannel-logout
]);
const journeysCause = (kind: string) => !ONLY_UNDER_FLOOD.has(kind) && (!FEATURE_KINDS.has(kind) || INSTALLED_FEATURE_KINDS.has(kind));

test("the audit trail holds every event of the run the log holds, kind by kind", async ({}, testInfo) => {
  const logged = eventLines(await serverLog());
  // The trail also holds what the integration tests caused before (world 0's database, copied to the others, not in
  // these logs): count from the run's first event on.
  const firstAt = logged.map((line) => line.at).sort()[0];
  const rows = await everyDatabase<{ kind: string; count: number }>(
    `select kind, count(*)::int as count from "AuthEvent" where at >= ($1::timestamptz at time zone 'UTC') group by kind`,
    [firstAt],
  );
  const stored: Record<string, number> = {};
  for (const row of rows) stored[row.kind] = (stored[row.kind] ?? 0) + row.count;
  const counts = AUTH_EVENT_KINDS.map((kind) => ({ kind, trail: stored[kind] ?? 0, log: logged.filter((line) => line.event === kind).length }));
  await testInfo.attach("audit trail of the run", { body: JSON.stringify(counts, null, 2), contentType: "application/json" });
  for (const { kind, trail, log } of counts) {
    if (journeysCause(kind)) expect(log, `${kind} in the log`).toBeGreaterThan(0);
    expect(trail, `${kind} in the trail`).toBe(log);
  }
  expect(Object.keys(stored).filter((kind) => !(AUTH_EVENT_KINDS as readonly string[]).includes(kind)), "unknown kinds").toEqual([]);
});
// feature:audit-trail end

test("the app's output and audit trail hold no token, code, cookie, secret or email the run saw", async () => {
  const log = await serverLog();
  expect(eventLines(log).length, "event lines in the server logs").toBeGreaterThan(20);
  const outputs = [log];
  outputs.push(...(await everyDatabase<{ row: string }>(`select row_to_json(e)::text as row from "AuthEvent" e`)).map((event) => event.row)); // feature:audit-trail
  const output = outputs.join("\n");

  const issued = (await Promise.all(worlds.map((world) => localUniAuth.issuedTokens(world.UNIAUTH_ISSUER)))).flat();
  const seen = (await readFile(TEST_RESULTS.seenTokens, "utf8")).split("\n");
  const rows = await everyDatabase<{ id: string; idToken: string | null; accessToken: string | null; refreshToken: string | null }>(
    `select id, "idToken", "accessToken", "refreshToken" from "Session"`,
  );
  const stored = rows.flatMap((row) =>
    (["idToken", "accessToken", "refreshToken"] as const).map((column) => {
      try {
        return row[column] && storedTokens.decrypt(row.id, column, row[column]);
      } catch {
        return null;
      }
    }),
  );
  expect(issued.length, "tokens and codes the local UniAuth issued").toBeGreaterThan(50);
  const secrets = {
    AUTH_SECRET: testEnv("AUTH_SECRET"),
    UNIAUTH_CLIENT_SECRET: testEnv("UNIAUTH_CLIENT_SECRET"),
    CRON_SECRET: testEnv("CRON_SECRET"),
  };
  const emails = (await everyDatabase<{ email: string }>(`select email from "User"`)).map((row) => row.email);

  const candidates = new Map<string, string>();
  const add = (source: string, value: string | null | undefined) => {
    if (!value || value.length < 16 || candidates.has(value)) return;
    candidates.set(value, source);
    // A JWT's payload (it names the user) or signature alone is a leak too; its header is public.
    const [, payload, signature] = value.split(".");
    if (signature !== undefined) for (const part of [payload, signature]) add(`${source} (a part of it)`, part);
  };
  for (const token of issued) add("a token or code the local UniAuth issued", token);
  for (const token of seen) add("a token or cookie a test read", token);
  for (const token of stored) add("a token in a Session row", token);
  for (const [name, value] of Object.entries(secrets)) add(name, value);
  for (const email of emails) candidates.set(email, "a user's email");

  const leaks = [...candidates].filter(([value]) => output.includes(value)).map(([value, source]) => `${source}: ${value.slice(0, 12)}…`);
  expect(leaks, "found in a server log or an AuthEvent table").toEqual([]);
});
