import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { recordSignIn } from "@/lib/auth/core/session/sign-in";
import { db } from "@/lib/db";
import { testEnv } from "../support/env";
import { importWithEnv } from "../support/fresh-import";
import { type PgBouncer, startPgBouncer } from "../support/pgbouncer";

// Production databases are usually reached through a transaction-mode pooler (Neon, Supabase, Vercel Postgres):
// each transaction may run on another server connection. The app's own SQL must work there.

let started: Promise<PgBouncer> | undefined;
// Started by the first test rather than in beforeAll, so a missing PgBouncer fails the tests (and counts so) instead of skipping them.
const pooler = () => (started ??= startPgBouncer(testEnv("DATABASE_URL"), { serverConnections: 2 }));

afterAll(async () => {
  await started?.then((bouncer) => bouncer.stop(), () => {});
  await db.$disconnect();
});

/** Every rejection's message, so a failure shows what the pooler said. */
async function failures(work: Promise<unknown>[]): Promise<string[]> {
  const settled = await Promise.allSettled(work);
  return settled.flatMap((result) => (result.status === "rejected" ? [String((result.reason as Error).message)] : []));
}

describe("behind PgBouncer in transaction mode, without prepared-statement tracking", () => {
  it("swaps server connections between clients: a named prepared statement fails there", async () => {
    // The check on the setup itself: were the pooler in session mode, or tracking statements, this would pass.
    const pool = new pg.Pool({ connectionString: (await pooler()).url, max: 5 });
    try {
      const errors = await failures(Array.from({ length: 100 }, (_, n) => pool.query({ name: "pooler-probe", text: "SELECT $1::int AS n", values: [n] })));
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]).toMatch(/prepared statement "pooler-probe"/);
    } finally {
      await pool.end();
    }
  });

  it("checks sessions and stores auth events concurrently, every one answered, on several pool connections", async () => {
    const bouncer = await pooler();
    const sessions = await Promise.all(
      Array.from({ length: 4 }, () => {
        const sub = `pooler-${randomBytes(8).toString("hex")}`;
        return recordSignIn({ claims: { sub, email: `${sub}@example.com`, email_verified: true, groups: [] }, tokens: {}, userAgent: null });
      }),
    );
    // The app's own modules, their pool (lib/db.ts, several connections) pointed at the pooler.
    const app = await importWithEnv(
      async () => ({
        ...(await import("@/lib/auth/core/session/store")),
        ...(await import("@/lib/auth/core/events")),
        ...(await import("@/lib/db")),
      }),
      { DATABASE_URL: bouncer.url },
    );
    const marker = `pooler-${randomBytes(8).toString("hex")}`; // feature:audit-trail
    const log = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const rounds = 60;
      const checks = Array.from({ length: rounds }, (_, n) => sessions[n % sessions.length]!).map(async (session) => {
        const found = await app.findActiveSession(session.id);
        expect(found?.user.email).toBe(session.user.email);
      });
      const work: Promise<unknown>[] = [...checks];
      // recordAuthEvent never throws: a failed insert is reported on console.error and the row is missing.
      work.push(...Array.from({ length: rounds }, (_, n) => app.recordAuthEvent({ event: "signout", userId: marker, sessionId: `s${n}` }))); // feature:audit-trail
      const rejected = await failures(work);
      const reported = error.mock.calls.map((call) => call.map(String).join(" "));
      expect([...new Set([...rejected, ...reported])]).toEqual([]);
      expect(await db.authEvent.count({ where: { userId: marker } })).toBe(rounds); // feature:audit-trail
      // Several client connections did take part, so server connections did change hands.
      expect(app.pool.totalCount).toBeGreaterThan(2);
    } finally {
      log.mockRestore();
      error.mockRestore();
      await app.pool.end();
    }
  });
});
