import "server-only";
import type { Session } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { DATABASE_UNAVAILABLE_PATH, STEP_UP_PATH } from "@/lib/auth/core/base/paths";
import { safeCallbackPath } from "@/lib/auth/core/base/redirect";
import { recordAuthEvent } from "@/lib/auth/core/events";
import { stepUpStatus } from "@/lib/auth/features/step-up/step-up";
import { isConnectionFailure } from "@/lib/database-errors";
import { AppError } from "@/lib/errors";
import { appOrigin } from "@/lib/http/origin";

/**
 * For sensitive actions, after the role guard: the user signed in at UniAuth within STEP_UP_MAX_AGE_SECONDS (and,
 * when STEP_UP_ACR is set, that way). Otherwise nothing happens and the browser goes to "Confirm it's you", which
 * comes back to `returnTo`: by default the page the action was sent from.
 */
export async function requireStepUp(session: Session, returnTo?: string): Promise<Session> {
  const steppedUpNow = await isSteppedUp(session).catch((error: unknown) => {
    if (isConnectionFailure(error)) redirect(DATABASE_UNAVAILABLE_PATH);
    throw error;
  });
  if (steppedUpNow) return session;
  redirect(await stepUpLocation(returnTo));
}

/**
 * The check for `authAction` and `authRoute` (`check: steppedUp`): a recent UniAuth sign-in, else the AppError
 * `step_up_required` (403 from a route; a server action goes to "Confirm it's you" and back to its page).
 */
export async function steppedUp(session: Session): Promise<void> {
  if (await isSteppedUp(session)) return;
  throw new AppError("step_up_required", undefined, { location: await stepUpLocation() });
}

/** Whether the session's UniAuth sign-in is recent enough for a sensitive action; records `stepup.required` when not. */
async function isSteppedUp(session: Session): Promise<boolean> {
  if ((await stepUpStatus(session.sessionId)).recentUntil) return true;
  await recordAuthEvent({ event: "stepup.required", userId: session.user.id, sessionId: session.sessionId });
  return false;
}

/** "Confirm it's you", coming back to `returnTo`: by default the app page the request came from. */
async function stepUpLocation(returnTo?: string): Promise<string> {
  return `${STEP_UP_PATH}?${new URLSearchParams({ callbackUrl: returnTo ?? (await referringPath()) })}`;
}

/** The app page a request came from (a server action's form), else the dashboard. */
async function referringPath(): Promise<string> {
  const [referer, origin] = [(await headers()).get("referer"), await appOrigin()];
  return referer?.startsWith(`${origin}/`) ? safeCallbackPath(referer.slice(origin.length), "/dashboard") : "/dashboard";
}
