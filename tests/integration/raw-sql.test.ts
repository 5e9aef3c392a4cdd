import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { INSERT_AUTH_EVENT, INSERT_AUTH_EVENT_COLUMNS } from "@/lib/auth/features/audit-trail/trail"; // feature:audit-trail
import { LOGOUT_OUTCOME_COLUMNS, endSessionsForLogout } from "@/lib/auth/core/logout/backchannel";
import { FIND_ACTIVE_SESSION, FIND_ACTIVE_SESSION_COLUMNS } from "@/lib/auth/core/session/store";
import { recordSignIn } from "@/lib/auth/core/session/sign-in";
import { db, pool } from "@/lib/db";

// The SQL lib/ writes by hand, run against the freshly migrated test database: each statement must run, and return
// the columns its TypeScript type names, with the values Prisma reads from the same rows.

afterAll(() => db.$disconnect());

async function signedIn() {
  const sub = `raw-sql-${randomBytes(8).toString("hex")}`;
  const sid = randomBytes(8).toString("hex");
  const session = await recordSignIn({
    claims: { sub, email: `${sub}@example.com`, email_verified: true, groups: ["staff"], sid },
    tokens: { refresh_token: "refresh", expires_at: Math.floor(Date.now() / 1000) + 3600 },
    userAgent: null,
  });
  return { sub, sid, session };
}

describe("raw SQL in lib/ and prisma/schema.prisma", () => {
  it("FIND_ACTIVE_SESSION (lib/auth/core/session/store.ts) returns its declared columns, with the values Prisma reads", async () => {
    const { session } = await signedIn();
    const { fields, rows } = await pool.query({ ...FIND_ACTIVE_SESSION, values: [session.id] });
    const { session: sessionColumns, sessionTimes, user: userColumns } = FIND_ACTIVE_SESSION_COLUMNS;
    expect(fields.map((field) => field.name)).toEqual([...sessionColumns, ...sessionTimes, ...userColumns]);

    const row = rows[0] as Record<string, unknown>;
    const stored = await db.session.findUniqueOrThrow({ where: { id: session.id }, include: { user: true } });
    for (const column of sessionColumns) expect(row[column], column).toEqual(stored[column]);
    for (const column of sessionTimes) expect(row[column], column).toBe(stored[column]?.getTime() ?? null);
    for (const column of userColumns) expect(row[column], column).toEqual(stored.user[column]);
  });

  // feature:audit-trail begin
  it("INSERT_AUTH_EVENT (lib/auth/features/audit-trail/trail.ts) fills the columns it names, as Prisma reads them", async () => {
    const userId = `raw-sql-${randomBytes(8).toString("hex")}`;
    expect(INSERT_AUTH_EVENT_COLUMNS).toHaveLength(INSERT_AUTH_EVENT.text.match(/now\(\)|\$\d/g)!.length);
    await pool.query({ ...INSERT_AUTH_EVENT, values: ["signout", userId, "actor", "session", { reason: "test" }] });
    const stored = await db.authEvent.findFirstOrThrow({ where: { userId } });
    expect(stored).toMatchObject({ kind: "signout", userId, actorUserId: "actor", sessionId: "session", detail: { reason: "test" } });
    expect(Math.abs(stored.at.getTime() - Date.now())).toBeLessThan(60_000);
  });
  // feature:audit-trail end

  it("the back-channel logout statement (lib/auth/core/logout/backchannel.ts) returns LogoutOutcome's columns", async () => {
    const { sid, session } = await signedIn();
    const { issuer } = await db.session.findUniqueOrThrow({ where: { id: session.id }, select: { issuer: true } });
    const results: unknown[] = [];
    const queryRaw = db.$queryRaw.bind(db);
    const spy = vi.spyOn(db, "$queryRaw").mockImplementation(((...args: Parameters<typeof db.$queryRaw>) =>
      queryRaw(...args).then((result) => (results.push(result), result))) as typeof db.$queryRaw);
    try {
      const claims = { issuer, sid, issuedAt: new Date(), replayKey: randomBytes(8).toString("hex"), rememberUntil: new Date(Date.now() + 60_000) };
      expect(await endSessionsForLogout(claims)).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(results).toHaveLength(1);
    const [row] = results[0] as Record<string, unknown>[];
    expect(Object.keys(row!)).toEqual(LOGOUT_OUTCOME_COLUMNS);
    expect(row).toEqual({ recorded: 1, ended: 1, userId: session.user.id });
  });
});
