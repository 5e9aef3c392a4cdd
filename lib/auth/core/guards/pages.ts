import "server-only";
import type { Session } from "next-auth";
import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { recordAuthEvent } from "@/lib/auth/features/audit-trail/trail";
import { DATABASE_UNAVAILABLE_PATH, SESSION_ENDED_PATH, SIGN_IN_PATH, STEP_UP_PATH } from "@/lib/auth/core/base/paths";
import { safeCallbackPath } from "@/lib/auth/core/base/redirect";
import { sessionCookieNames } from "@/lib/auth/core/session/cookie";
import { getSessionState } from "@/lib/auth/core/session/current";
import { recentAuthOf } from "@/lib/auth/features/step-up/step-up";
import { isConnectionFailure } from "@/lib/database-errors";
import { appOrigin } from "@/lib/http/origin";

/**
 * The real boundary for every protected page and layout, and inside every data function (middleware is only a
 * first gate): a session whose row still exists, with the user's current roles from the database.
 */
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

/**
 * For sensitive actions, after the role guard: the user signed in at UniAuth within STEP_UP_MAX_AGE_SECONDS (and,
 * when STEP_UP_ACR is set, that way). Otherwise nothing happens and the browser goes to "Confirm it's you", which
 * comes back to `returnTo`: by default the page the action was sent from.
 */
export async function requireRecentAuth(session: Session, returnTo?: string): Promise<Session> {
  const recent = await hasRecentAuth(session).catch((error: unknown) => {
    if (isConnectionFailure(error)) redirect(DATABASE_UNAVAILABLE_PATH);
    throw error;
  });
  if (recent) return session;
  return redirectToStepUp(returnTo);
}

/** To "Confirm it's you", coming back to `returnTo`: by default the app page the request came from. */
export async function redirectToStepUp(returnTo?: string): Promise<never> {
  redirect(`${STEP_UP_PATH}?${new URLSearchParams({ callbackUrl: returnTo ?? (await referringPath()) })}`);
}

/** Whether the session's UniAuth sign-in is recent enough for a sensitive action; records `stepup.required` when not. */
export async function hasRecentAuth(session: Session): Promise<boolean> {
  if ((await recentAuthOf(session.sessionId)).recentUntil) return true;
  await recordAuthEvent({ event: "stepup.required", userId: session.user.id, sessionId: session.sessionId });
  return false;
}

/** The app page a request came from (a server action's form), else the dashboard. */
async function referringPath(): Promise<string> {
  const [referer, origin] = [(await headers()).get("referer"), await appOrigin()];
  return referer?.startsWith(`${origin}/`) ? safeCallbackPath(referer.slice(origin.length), "/dashboard") : "/dashboard";
}
