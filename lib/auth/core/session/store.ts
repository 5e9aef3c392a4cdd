import "server-only";
import type { SessionUser } from "@/lib/auth/core/base/types";
import { type TokenColumn, createTokenCrypto } from "@/lib/auth/core/session/token-crypto";
import { db, pool } from "@/lib/db";
import { env } from "@/lib/env";
import type { Session, User } from "@/lib/generated/prisma/client";

/** Encrypts and decrypts the tokens in Session rows, with the same secrets, in the same order, as the cookie. */
export const storedTokens = createTokenCrypto(env.AUTH_SECRETS);

/** A session lasts as long as UniAuth's refresh token: 30 days from sign-in, never extended. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** UniAuth's access tokens live an hour; assume that when a token response omits `expires_in`. */
export const DEFAULT_ACCESS_TOKEN_SECONDS = 3600;

/** What a refresh needs of a Session row; the refresh token as stored (encrypted), decrypted only to refresh. */
export type RefreshableSession = Pick<Session, "id" | "userId" | "refreshToken" | "accessTokenExpiresAt" | "rolesReadAt" | "refreshLeaseUntil" | "refreshRetryAt" | "refreshFailures">;

export const sessionUserSelect = {
  id: true, name: true, email: true, image: true, groups: true, isStaff: true, isSuperuser: true,
} as const;

export interface ActiveSession { id: string; createdAt: Date; expiresAt: Date; user: SessionUser }

/** How often `lastSeenAt` is written: a page view is not worth a write. */
const LAST_SEEN_EVERY_MS = 5 * 60_000;

/** The SQL and row type come from these lists: a renamed column fails the type check (and raw-sql.test.ts). */
export const FIND_ACTIVE_SESSION_COLUMNS = {
  session: ["id", "userId", "refreshToken", "refreshFailures"],
  /** Read as epoch milliseconds. */
  sessionTimes: ["createdAt", "expiresAt", "lastSeenAt", "accessTokenExpiresAt", "rolesReadAt", "refreshLeaseUntil", "refreshRetryAt"],
  user: ["name", "email", "image", "groups", "isStaff", "isSuperuser"],
} as const satisfies { session: readonly (keyof Session)[]; sessionTimes: readonly (keyof Session)[]; user: readonly (keyof User)[] };

const { session: SESSION_COLUMNS, sessionTimes: TIMESTAMPS, user: USER_COLUMNS } = FIND_ACTIVE_SESSION_COLUMNS;
type Timestamp = (typeof TIMESTAMPS)[number];

// Prisma keeps DateTime as UTC `timestamp` columns: read as epoch milliseconds, never through the driver's local time.
// No `name:` (a named prepared statement): behind a transaction-mode pooler (PgBouncer, Neon, Supabase) the next
// query may run on a server connection that lacks the statement or already has it (tests/integration/pooler.test.ts).
export const FIND_ACTIVE_SESSION = {
  text: `
    SELECT ${SESSION_COLUMNS.map((column) => `s."${column}"`).join(", ")},
           ${TIMESTAMPS.map((column) => `extract(epoch from s."${column}")::float8 * 1000 AS "${column}"`).join(", ")},
           ${USER_COLUMNS.map((column) => `u."${column}"`).join(", ")}
    FROM "Session" s JOIN "User" u ON u.id = s."userId"
    WHERE s.id = $1 AND s."expiresAt" > (now() AT TIME ZONE 'UTC')`,
};

export type CheckedSessionRow = Pick<Session, (typeof SESSION_COLUMNS)[number]> &
  { [column in Timestamp]: null extends Session[column] ? number | null : number } &
  Pick<User, (typeof USER_COLUMNS)[number]>;

/**
 * One statement straight to the pool, as it runs on every signed-in request: Prisma's query building costs as much
 * again as the round trip. The refresh token stays encrypted: it doubles as the refresh lease's compare-and-swap key.
 */
export async function findActiveSession(id: string) {
  const { rows } = await pool.query<CheckedSessionRow>({ ...FIND_ACTIVE_SESSION, values: [id] });
  const row = rows[0];
  if (!row) return null;
  const { name, email, image, groups, isStaff, isSuperuser, ...session } = row;
  const times = Object.fromEntries(TIMESTAMPS.map((column) => [column, session[column] === null ? null : new Date(session[column])]));
  return { ...session, ...(times as Pick<Session, Timestamp>), user: { id: session.userId, name, email, image, groups, isStaff, isSuperuser } };
}

export async function touchSession(session: { id: string; lastSeenAt: Date }): Promise<void> {
  const now = Date.now();
  if (now - session.lastSeenAt.getTime() < LAST_SEEN_EVERY_MS) return;
  await db.session.updateMany({ where: { id: session.id, lastSeenAt: { lt: new Date(now - LAST_SEEN_EVERY_MS) } }, data: { lastSeenAt: new Date(now) } });
}

/** A token as stored in a Session row, decrypted; null when none or it does not decrypt (its secret was removed). */
export function openStoredToken(id: string, column: TokenColumn, stored: string | null): string | null {
  try {
    return stored && storedTokens.decrypt(id, column, stored);
  } catch (error) {
    console.error(`Going on without the session's ${column}:`, (error as Error).message);
    return null;
  }
}

/** The tokens a session holds, decrypted, for signing out at UniAuth. Server-side only. */
export async function sessionTokens(id: string): Promise<{ idToken: string | null; refreshToken: string | null } | null> {
  const row = await db.session.findUnique({ where: { id }, select: { idToken: true, refreshToken: true } });
  if (!row) return null;
  return { idToken: openStoredToken(id, "idToken", row.idToken), refreshToken: openStoredToken(id, "refreshToken", row.refreshToken) };
}

export async function endSession(id: string): Promise<void> {
  await db.session.deleteMany({ where: { id } });
}
