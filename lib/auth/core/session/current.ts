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

export function toSession({ user, id, createdAt, expiresAt }: ActiveSession): Session {
  return { user, sessionId: id, sessionStartedAt: createdAt.toISOString(), expires: expiresAt.toISOString() };
}

const checkedOnEntry = new AsyncLocalStorage<SessionState>();

/** Once per render (React's `cache`) or per handler or action (withSessionState); never re-issues the cookie. */
export async function getSessionState(): Promise<SessionState> {
  return checkedOnEntry.getStore() ?? checkedThisRender();
}

const checkedThisRender = cache(async (): Promise<SessionState> => {
  const token = await readSessionCookie(await cookies(), useSecureCookies, env.AUTH_SECRETS);
  const checked = await checkSession(token?.sessionId);
  return checked.status === "signed-in" ? { status: "signed-in", session: toSession(checked.session) } : checked;
});

/**
 * Every guard `work` calls sees this one check. React's `cache` lasts only for a render: a route handler or server
 * action would otherwise check (and touch) the row in each data function, and could get another answer halfway.
 */
export async function withSessionState<T>(work: (state: SessionState) => Promise<T>): Promise<T> {
  const state = await getSessionState();
  return checkedOnEntry.run(state, () => work(state));
}

/** Fails closed: null while the database is unreachable too (getSessionState tells the two apart). */
export async function auth(): Promise<Session | null> {
  const state = await getSessionState();
  return state.status === "signed-in" ? state.session : null;
}
