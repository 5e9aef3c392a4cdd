import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { UNAUTHENTICATED_EVENTS_PER_MINUTE, recordAuthEvent } from "@/lib/auth/audit/trail";
import { db } from "@/lib/db";
import { testEnv } from "../support/env";
import { importWithEnv, unreachableDatabaseUrl } from "../support/fresh-import";

afterAll(() => db.$disconnect());

const quietLog = () => vi.spyOn(console, "log").mockImplementation(() => {});

describe("recordAuthEvent", () => {
  it("logs the event and stores it with one insert: who, which session, and the other fields as detail", async () => {
    const sessionId = randomBytes(12).toString("hex");
    const log = quietLog();
    const statements = vi.spyOn(pg.Client.prototype, "query");
    try {
      await recordAuthEvent({ event: "sessions.ended_by_admin", actorUserId: "actor-1", userId: "user-1", sessionsEnded: 2 });
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
    expect(admin).toMatchObject({ userId: "user-1", sessionId: null, detail: { sessionsEnded: 2 } });
  });

  it("stores the time in UTC, as Prisma reads it, whatever the database session's time zone", async () => {
    const sessionId = randomBytes(12).toString("hex");
    const elsewhere = new URL(testEnv("DATABASE_URL"));
    elsewhere.searchParams.set("options", "-c TimeZone=America/New_York");
    const { recordAuthEvent: recordFromNewYork } = await importWithEnv(() => import("@/lib/auth/audit/trail"), { DATABASE_URL: elsewhere.href });
    const log = quietLog();
    try {
      await recordFromNewYork({ event: "signout", userId: "u1", sessionId });
    } finally {
      log.mockRestore();
    }
    const stored = await db.authEvent.findFirstOrThrow({ where: { sessionId } });
    expect(Math.abs(stored.at.getTime() - Date.now())).toBeLessThan(5_000);
  });

  it(`stores at most ${UNAUTHENTICATED_EVENTS_PER_MINUTE} a minute of what anyone can cause unauthenticated, and logs every one`, async () => {
    const { recordAuthEvent: record } = await importWithEnv(() => import("@/lib/auth/audit/trail"), {});
    const reason = `flood ${randomBytes(8).toString("hex")}`;
    const log = quietLog();
    const sessionId = randomBytes(12).toString("hex");
    // One calendar minute throughout: the count starts afresh when the minute turns.
    vi.useFakeTimers({ toFake: ["Date"], now: Math.floor(Date.now() / 60_000) * 60_000 + 1_000 });
    try {
      for (let n = 0; n < UNAUTHENTICATED_EVENTS_PER_MINUTE + 5; n++) await record({ event: "logout.backchannel.rejected", reason });
      // A signed-in user's events are never held back.
      await record({ event: "signout", userId: "u1", sessionId });
      expect(log).toHaveBeenCalledTimes(UNAUTHENTICATED_EVENTS_PER_MINUTE + 6);
    } finally {
      vi.useRealTimers();
      log.mockRestore();
    }
    const stored = await db.authEvent.count({ where: { kind: "logout.backchannel.rejected", detail: { equals: { reason } } } });
    expect(stored).toBe(UNAUTHENTICATED_EVENTS_PER_MINUTE);
    expect(await db.authEvent.count({ where: { sessionId } })).toBe(1);
  });

  it("never fails the request it describes: with the database down the event is still logged", async () => {
    const { recordAuthEvent: recordWithDeadDatabase } = await importWithEnv(() => import("@/lib/auth/audit/trail"), {
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
