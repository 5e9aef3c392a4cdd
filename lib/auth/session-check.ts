import "server-only";
import type { JWT } from "next-auth/jwt";
import { needsRefresh, refreshSession } from "@/lib/auth/refresh";
import { type ActiveSession, findActiveSession, touchSession } from "@/lib/auth/sessions";
import { describeFailure } from "@/lib/auth/uniauth-client";

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
 * whose access token has expired is refreshed here, on the server; never in middleware.
 */
export async function checkSession(token: JWT): Promise<JWT | null> {
  if (!token.sessionId) return null;
  let session: Awaited<ReturnType<typeof findActiveSession>>;
  try {
    session = await findActiveSession(token.sessionId);
    if (session && needsRefresh(session)) {
      if ((await refreshSession(session)) === "ended") return null;
      // Read again: new roles after a refresh, or no row if a logout deleted it meanwhile.
      session = await findActiveSession(token.sessionId);
    }
    if (session) await touchSession(session);
  } catch (error) {
    // Auth.js would clear the cookie on a thrown error: a database outage must not sign everyone out.
    console.error("Session check failed (database unreachable?):", describeFailure(error));
    return { ...token, unavailable: true };
  }
  return session ? toToken(session) : null;
}
