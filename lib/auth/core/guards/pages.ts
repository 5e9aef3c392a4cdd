import "server-only";
import type { Session } from "next-auth";
import { cookies } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { DATABASE_UNAVAILABLE_PATH, SESSION_ENDED_PATH, SIGN_IN_PATH } from "@/lib/auth/core/base/paths";
import { sessionCookieNames } from "@/lib/auth/core/session/cookie";
import { getSessionState } from "@/lib/auth/core/session/current";

/** The real boundary for pages, layouts and data functions; middleware is only a first gate. */
export async function requireUser(): Promise<Session> {
  const state = await getSessionState();
  if (state.status === "signed-in") return state.session;
  // The session may well be alive: keep the cookie, and answer 503 from a route handler (a page cannot).
  if (state.status === "unavailable") redirect(DATABASE_UNAVAILABLE_PATH);
  // A cookie without a live session row: the session was ended on the server; clear the cookie too.
  redirect(sessionCookieNames(await cookies()).length ? SESSION_ENDED_PATH : SIGN_IN_PATH);
}

/** A signed-in user who is staff now (groups `staff` or `admin`, as last read from UniAuth); else 403. */
export async function requireStaff(): Promise<Session> {
  const session = await requireUser();
  if (!session.user.isStaff) forbidden();
  return session;
}

/** A signed-in superuser (group `admin`); else 403. */
export async function requireSuperuser(): Promise<Session> {
  const session = await requireUser();
  if (!session.user.isSuperuser) forbidden();
  return session;
}
