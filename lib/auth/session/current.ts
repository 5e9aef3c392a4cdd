import "server-only";
import type { Session } from "next-auth";
import { cookies } from "next/headers";
import { cache } from "react";
import { checkSession } from "@/lib/auth/session/check";
import { readSessionCookie } from "@/lib/auth/session/cookie";
import { useSecureCookies } from "@/lib/auth/session/secure-cookies";
import type { ActiveSession } from "@/lib/auth/session/store";
import { env } from "@/lib/env";

/** Signed in (the row was checked just now), signed out, or "can't tell right now" (the database is unreachable). */
export type SessionState = { status: "signed-in"; session: Session } | { status: "signed-out" } | { status: "unavailable" };

export function toSession(session: ActiveSession): Session {
  return {
    user: session.user,
    sessionId: session.id,
    sessionStartedAt: session.createdAt.toISOString(),
    expires: session.expiresAt.toISOString(),
  };
}

/**
 * The browser's session as the server knows it now: the cookie decrypted, then its row checked against the
 * database (one query, with the user's current roles), once per request however many layouts, pages and data
 * functions ask. Never encodes a new cookie, which a Server Component could not set anyway.
 */
export const getSessionState = cache(async (): Promise<SessionState> => {
  const token = await readSessionCookie(await cookies(), useSecureCookies, env.AUTH_SECRETS);
  const checked = await checkSession(token?.sessionId);
  return checked.status === "signed-in" ? { status: "signed-in", session: toSession(checked.session) } : checked;
});

/**
 * The signed-in user's session, or null. Fails closed: a session is returned only when its row was checked just
 * now; while the database is unreachable this is null too (use getSessionState to tell the two apart).
 */
export async function auth(): Promise<Session | null> {
  const state = await getSessionState();
  return state.status === "signed-in" ? state.session : null;
}
