import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { recordAuthEvent } from "@/lib/auth/core/events";
import { UNAUTHENTICATED_EVENTS_PER_MINUTE } from "@/lib/auth/features/audit-trail/trail";
import { db, pool } from "@/lib/db";
import { testEnv } from "../support/env";
import { importWithEnv, unreachableDatabaseUrl } from "../support/fresh-import";

afterAll(() => db.$disconnect());

const quietLog = () => vi.spyOn(process.stdout, "write").mockImplementation(() => true);

describe("recordAuthEvent", () => {
  it("logs the event and stores it with one insert: who, which session, and the other fields as detail", async () => {
    const sessionId = randomBytes(12).toString("hex");
    const log = quietLog();
    const statements = vi.spyOn(pg.Client.prototype, "query");
    try {
      await recordAuthEvent({ event: "sessions.ended_by_admin", actorUserId: "actor-1", userId: "user-1", sessionsEnded: 2, devicesForgotten: 1 });
      await recordAuthEvent({ event: "stepup.accepted", userId: "user-1", sessionId, acr: "urn:uniauth:acr:mfa", amr: ["pwd", "otp", "mfa"] });
      expect(statements).toHaveBeenCalledTimes(2);
      expect(log).toHaveBeenCalledTimes(2);
    } finally {
      statements.mockRestore();
      log.mockRestore();
    }
    const [stored] = await db.authEvent.findMany({ where: { sessionId } });
    expect(stored).toMatchObject({ kind: "stepup.accepted", userId: "user-1", actorUserId: null, detail: { acr: "urn:uniauth:acr:mfa", amr: ["pwd", "otp", "mfa"] } });
    // Stored in UTC, as Prisma reads it back: within a few seconds of now.
    expect(Math.abs(stored!.at.getTime() - Date.now())).toBeLessThan(5_000);
    const [admin] = await db.authEvent.findMany({ where: { kind: "sessions.ended_by_admin", actorUserId: "actor-1" }, orderBy: { id: "desc" }, take: 1 });
    expect(admin).toMatchObject({ userId: "user-1", sessionId: null, detail: { sessionsEnded: 2, devicesForgotten: 1 } });
  });

  it("stores the time in UTC, as Prisma reads it, whatever the database session's time zone", async () => {
    const sessionId = randomBytes(12).toString("hex");
    const elsewhere = new URL(testEnv("DATABASE_URL"));
    elsewhere.searchParams.set("options", "-c TimeZone=America/New_York");
    const { recordAuthEvent: recordFromNewYork } = await importWithEnv(() => import("@/lib/auth/core/events"), { DATABASE_URL: elsewhere.href });
    const log = quietLog();
    try {
      await recordFromNewYork({ event: "signout", userId: "u1", sessionId });
    } finally {
      log.mockRestore();
    }
    const stored = await db.authEvent.findFirstOrThrow({ where: { sessionId } });
    expect(Math.abs(stored.at.getTime() - Date.now())).toBeLessThan(5_000);
  });

  /** A documentation address (RFC 5737), fresh for each test: the counts are per source. */
  const newSource = () => `192.0.2.${1 + (randomBytes(1)[0]! % 254)}`;
  const droppedRows = (source: string, kind = "logout.backchannel.rejected") =>
    db.authEvent.findMany({ where: { kind: "audit.dropped", AND: [{ detail: { path: ["source"], equals: source } }, { detail: { path: ["kind"], equals: kind } }] } });
  /** One calendar minute throughout: the count starts afresh when the minute turns. */
  const withinOneMinute = () => vi.useFakeTimers({ toFake: ["Date"], now: Math.floor(Date.now() / 60_000) * 60_000 + 1_000 });

  it(`stores at most ${UNAUTHENTICATED_EVENTS_PER_MINUTE} a minute of what one source can cause unauthenticated, and one row (logged once) counts the rest`, async () => {
    const { storeAuthEvent: record } = await importWithEnv(() => import("@/lib/auth/features/audit-trail/trail"), {});
    const reason = `flood ${randomBytes(8).toString("hex")}`;
    const source = newSource();
    const log = quietLog();
    const sessionId = randomBytes(12).toString("hex");
    withinOneMinute();
    try {
      for (let n = 0; n < UNAUTHENTICATED_EVENTS_PER_MINUTE + 5; n++) await record({ event: "logout.backchannel.rejected", reason }, source);
      // A signed-in user's events are never held back.
      await record({ event: "signout", userId: "u1", sessionId }, source);
      // The core logs every event (recordAuthEvent); the trail logs only the first drop, once.
      expect(log).toHaveBeenCalledTimes(1);
      expect(String(log.mock.calls[0]![0])).toContain('"event":"audit.dropped"');
    } finally {
      vi.useRealTimers();
      log.mockRestore();
    }
    const stored = await db.authEvent.count({ where: { kind: "logout.backchannel.rejected", detail: { equals: { reason } } } });
    expect(stored).toBe(UNAUTHENTICATED_EVENTS_PER_MINUTE);
    expect(await db.authEvent.count({ where: { sessionId } })).toBe(1);
    const dropped = await droppedRows(source);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ userId: null, detail: { kind: "logout.backchannel.rejected", source, count: 5 } });
  });

  it("gives each source its own cap: a flood from one leaves room for another's real refusal in the same minute", async () => {
    const { storeAuthEvent: record } = await importWithEnv(() => import("@/lib/auth/features/audit-trail/trail"), {});
    const flood = `flood ${randomBytes(8).toString("hex")}`;
    const [flooder, other] = [newSource(), `2001:db8::${randomBytes(2).toString("hex")}`];
    const log = quietLog();
    withinOneMinute();
    try {
      for (let n = 0; n < UNAUTHENTICATED_EVENTS_PER_MINUTE + 30; n++) await record({ event: "signin.refused", reason: flood }, flooder);
      await record({ event: "signin.refused", reason: "EmailUnverified" }, other);
      for (let n = 0; n < UNAUTHENTICATED_EVENTS_PER_MINUTE + 2; n++) await record({ event: "signin.refused", reason: flood }, other);
    } finally {
      vi.useRealTimers();
      log.mockRestore();
    }
    const { rows } = await pool.query<{ reason: string; count: number }>(
      `select "detail"->>'reason' as reason, count(*)::int as count from "AuthEvent" where "kind" = 'signin.refused' and "detail"->>'reason' in ($1, 'EmailUnverified') and "at" > now() AT TIME ZONE 'UTC' - interval '5 minutes' group by 1`,
      [flood],
    );
    expect(Object.fromEntries(rows.map((row) => [row.reason, row.count]))).toMatchObject({
      [flood]: UNAUTHENTICATED_EVENTS_PER_MINUTE + UNAUTHENTICATED_EVENTS_PER_MINUTE - 1,
      EmailUnverified: expect.any(Number),
    });
    expect((await droppedRows(flooder, "signin.refused")).map((row) => row.detail)).toEqual([expect.objectContaining({ count: 30 })]);
    expect((await droppedRows(other, "signin.refused")).map((row) => row.detail)).toEqual([expect.objectContaining({ count: 3 })]);
  });

  it("counts concurrent drops exactly, in one row, and stores no source that is not an IP", async () => {
    const { storeAuthEvent: record } = await importWithEnv(() => import("@/lib/auth/features/audit-trail/trail"), {});
    const reason = `burst ${randomBytes(8).toString("hex")}`;
    const source = newSource();
    const log = quietLog();
    withinOneMinute();
    try {
      await Promise.all(Array.from({ length: UNAUTHENTICATED_EVENTS_PER_MINUTE + 40 }, () => record({ event: "logout.frontchannel", sessionsEnded: 0 }, source)));
      await record({ event: "logout.backchannel.rejected", reason }, "eyJhbGciOiJSUzI1NiJ9.not-an-ip");
    } finally {
      vi.useRealTimers();
      log.mockRestore();
    }
    expect((await droppedRows(source, "logout.frontchannel")).map((row) => row.detail)).toEqual([expect.objectContaining({ count: 40 })]);
    const [refused] = await db.authEvent.findMany({ where: { kind: "logout.backchannel.rejected", detail: { equals: { reason } } } });
    expect(refused).toBeDefined();
    expect(JSON.stringify((await db.authEvent.findMany({ where: { kind: "audit.dropped" } })).map((row) => row.detail))).not.toContain("eyJ");
  });

  it("never fails the request it describes: with the database down the event is still logged", async () => {
    const { recordAuthEvent: recordWithDeadDatabase } = await importWithEnv(() => import("@/lib/auth/core/events"), {
      DATABASE_URL: unreachableDatabaseUrl(testEnv("DATABASE_URL")),
    });
    const log = quietLog();
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await expect(recordWithDeadDatabase({ event: "signout", userId: "u1", sessionId: "s1" })).resolves.toBeUndefined();
      expect(JSON.parse(String(log.mock.calls[0]![0]))).toMatchObject({ event: "signout", userId: "u1", sessionId: "s1" });
      expect(error).toHaveBeenCalledWith("The signout event is not in the audit trail (database unreachable?):", expect.stringMatching(/ECONNREFUSED/));
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  });
});
