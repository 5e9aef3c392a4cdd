import "server-only";
import type { JWT } from "next-auth/jwt";
import { after } from "next/server";
import { needsRefresh, refreshDue } from "@/lib/auth/core/session/refresh";
import { type ActiveSession, findActiveSession, touchSession } from "@/lib/auth/core/session/store";
import { describeFailure } from "@/lib/auth/core/uniauth/failure";
import { isConnectionFailure } from "@/lib/database-errors";
import { env } from "@/lib/env";

/**
 * What the server knows of a browser's session: its row was checked and is live, there is none (no cookie, or its
 * row was deleted or has expired), or the database could not be asked ("can't tell": not the same as signed out).
 */
export type SessionCheck = { status: "signed-in"; session: ActiveSession } | { status: "signed-out" } | { status: "unavailable" };

/** What the cookie carries: the Session row id and display fields, never a token. */
export function toToken(session: ActiveSession): JWT {
  return {
    sub: session.user.id,
    sessionId: session.id,
    sessionStartedAt: session.createdAt.toISOString(),
    sessionExpiresAt: session.expiresAt.toISOString(),
    user: session.user,
  };
}

/**
 * Every server-side read of the session checks its row: no row (or an expired one), no session. The user's roles are
 * the database's; when they are older than their role age (ROLES_MAX_AGE_SECONDS for staff and superusers,
 * MEMBER_ROLES_MAX_AGE_SECONDS for members) a refresh re-reads them from UniAuth after the
 * response (Next's `after`), so no page waits on UniAuth, and one that ended the grant ends the session for the next
 * request. Staff and superuser rights older than ELEVATED_ROLES_MAX_AGE_SECONDS are not honoured (the user stays a
 * member) until a refresh succeeds: a spent budget or an outage cannot keep a revoked admin in. Only a failure to
 * reach the database is "unavailable"; any other error is thrown.
 */
export async function checkSession(sessionId: string | undefined): Promise<SessionCheck> {
  if (!sessionId) return { status: "signed-out" };
  let row: Awaited<ReturnType<typeof findActiveSession>>;
  try {
    row = await findActiveSession(sessionId);
    if (row) await touchSession(row);
  } catch (error) {
    if (!isConnectionFailure(error)) throw error;
    console.error("Session check failed (database unreachable):", describeFailure(error));
    return { status: "unavailable" };
  }
  if (!row) return { status: "signed-out" };
  if (needsRefresh(row, row.user.isStaff || row.user.isSuperuser)) {
    const due = row;
    after(() => refreshDue(due).catch((error) => console.error("The session's refresh failed:", describeFailure(error))));
  }
  return { status: "signed-in", session: withCurrentRights(row) };
}

/** The session as the app may trust it: elevated rights only while their last read from UniAuth is recent enough. */
function withCurrentRights(session: ActiveSession & { rolesReadAt: Date }): ActiveSession {
  const { rolesReadAt, ...active } = session;
  if (Date.now() - rolesReadAt.getTime() < env.ELEVATED_ROLES_MAX_AGE_SECONDS * 1000) return active;
  return { ...active, user: { ...active.user, isStaff: false, isSuperuser: false } };
}
