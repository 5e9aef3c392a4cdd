import "server-only";
import type { JWT } from "next-auth/jwt";
import { after } from "next/server";
import { needsRefresh, refreshDue } from "@/lib/auth/core/session/refresh";
import { type ActiveSession, findActiveSession, touchSession } from "@/lib/auth/core/session/store";
import { describeFailure } from "@/lib/auth/core/uniauth/failure";
import { isConnectionFailure } from "@/lib/database-errors";
import { env } from "@/lib/env";

/** "unavailable": the database could not be asked, which is not the same as signed out. */
export type SessionCheck = { status: "signed-in"; session: ActiveSession } | { status: "signed-out" } | { status: "unavailable" };

/** What the cookie carries: the Session row id and display fields, never a token. */
export function toToken(session: ActiveSession): JWT {
  return {
    sub: session.user.id, sessionId: session.id, sessionStartedAt: session.createdAt.toISOString(),
    sessionExpiresAt: session.expiresAt.toISOString(), user: session.user,
  };
}

/**
 * Stale roles are re-read by a refresh after the response (`after`): no page waits on UniAuth. Elevated rights past
 * ELEVATED_ROLES_MAX_AGE_SECONDS lapse until a refresh succeeds: an outage cannot keep a revoked admin in.
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
