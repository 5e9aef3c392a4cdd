import "server-only";
import type { JWT } from "next-auth/jwt";
import { needsRefresh, refreshSession } from "@/lib/auth/session/refresh";
import { type ActiveSession, findActiveSession, touchSession } from "@/lib/auth/session/store";
import { describeFailure } from "@/lib/auth/uniauth/failure";
import { isConnectionFailure } from "@/lib/database-errors";

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
 * Every server-side read of the session checks its row: no row (or an expired one), no session. A session
 * whose access token has expired is refreshed here, on the server; never in middleware. Only a failure to reach
 * the database is "unavailable"; any other error is thrown.
 */
export async function checkSession(sessionId: string | undefined): Promise<SessionCheck> {
  if (!sessionId) return { status: "signed-out" };
  let session: ActiveSession | null;
  try {
    let row = await findActiveSession(sessionId);
    if (row && needsRefresh(row)) {
      if ((await refreshSession(row)) === "ended") return { status: "signed-out" };
      // Read again: new roles after a refresh, or no row if a logout deleted it meanwhile.
      row = await findActiveSession(sessionId);
    }
    if (row) await touchSession(row);
    session = row;
  } catch (error) {
    if (!isConnectionFailure(error)) throw error;
    console.error("Session check failed (database unreachable):", describeFailure(error));
    return { status: "unavailable" };
  }
  return session ? { status: "signed-in", session } : { status: "signed-out" };
}
