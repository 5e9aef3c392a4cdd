import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import type { Session } from "next-auth";
import { cookies } from "next/headers";
import { cache } from "react";
import { checkSession } from "@/lib/auth/core/session/check";
import { readSessionCookie } from "@/lib/auth/core/session/cookie";
import { useSecureCookies } from "@/lib/auth/core/base/secure-cookies";
import type { ActiveSession } from "@/lib/auth/core/session/store";
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

/** The state a route handler or server action checked on entry (see withSessionState). */
const checkedOnEntry = new AsyncLocalStorage<SessionState>();

/**
 * The browser's session as the server knows it now: the cookie decrypted, then its row checked against the
 * database (one query, with the user's current roles), once per page render however many layouts, pages and data
 * functions ask (React's `cache`), and once per route handler or server action (withSessionState). Never encodes
 * a new cookie, which a Server Component could not set anyway.
 */
export async function getSessionState(): Promise<SessionState> {
  return checkedOnEntry.getStore() ?? checkedThisRender();
}

const checkedThisRender = cache(async (): Promise<SessionState> => {
  const token = await readSessionCookie(await cookies(), useSecureCookies, env.AUTH_SECRETS);
  const checked = await checkSession(token?.sessionId);
  return checked.status === "signed-in" ? { status: "signed-in", session: toSession(checked.session) } : checked;
});

/**
 * Checks the session once and runs `work` with it: every guard `work` calls sees that same answer. React's `cache`
 * lasts only for a render, so a route handler or server action would otherwise check (and touch) the row again in
 * each data function, and could get another answer halfway through.
 */
export async function withSessionState<T>(work: (state: SessionState) => Promise<T>): Promise<T> {
  const state = await getSessionState();
  return checkedOnEntry.run(state, () => work(state));
}

/**
 * The signed-in user's session, or null. Fails closed: a session is returned only when its row was checked just
 * now; while the database is unreachable this is null too (use getSessionState to tell the two apart).
 */
export async function auth(): Promise<Session | null> {
  const state = await getSessionState();
  return state.status === "signed-in" ? state.session : null;
}
