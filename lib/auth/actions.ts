"use server";

import { randomBytes } from "node:crypto";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/core/guards/pages";
import { reissueSessionCookie, signIn, signOut } from "@/lib/auth/core/nextauth";
import { auth } from "@/lib/auth/core/session/current";
import { LOGOUT_STATE_COOKIE, POST_LOGOUT_PATH, endSessionUrl, revokeRefreshToken } from "@/lib/auth/core/uniauth/end-session";
import { uniauthRefusesSignIn } from "@/lib/auth/features/uniauth-outage/outage";
import { UNIAUTH_PROVIDER_ID } from "@/lib/auth/core/uniauth/provider";
import { safeCallbackPath } from "@/lib/auth/core/base/redirect";
import { DATABASE_UNAVAILABLE_PATH } from "@/lib/auth/core/base/paths";
import { isConnectionFailure } from "@/lib/database-errors";
import { sessionTokens } from "@/lib/auth/core/session/store";
import { beginStepUp } from "@/lib/auth/features/step-up/step-up";
import { appOrigin } from "@/lib/http/origin";

/**
 * Where a sign-in (or step-up) start must go instead of UniAuth, or null: the token budget (this browser's share of
 * it) and UniAuth's outage check, which also warms the discovery cache, so Auth.js builds the authorization URL from
 * it. With the database unreachable, the outage page: no sign-in could be written.
 */
async function signInStartRefused(): Promise<string | null> {
  return uniauthRefusesSignIn().catch((error: unknown) => {
    if (isConnectionFailure(error)) return DATABASE_UNAVAILABLE_PATH;
    throw error;
  });
}

export async function signInWithUniAuth(formData: FormData): Promise<void> {
  const refused = await signInStartRefused();
  if (refused) redirect(refused);
  await signIn(UNIAUTH_PROVIDER_ID, { redirectTo: safeCallbackPath(formData.get("callbackUrl"), "/dashboard") });
}

/**
 * "Confirm it's you": sends the signed-in user to UniAuth for a fresh sign-in (a step-up), which comes back to
 * the same session and then to the page they left (lib/auth/features/step-up/step-up.ts).
 */
export async function confirmItsYou(formData: FormData): Promise<void> {
  const session = await requireUser();
  const refused = await signInStartRefused();
  if (refused) redirect(refused);
  const returnTo = safeCallbackPath(formData.get("callbackUrl"), "/dashboard");
  await signIn(UNIAUTH_PROVIDER_ID, { redirectTo: returnTo }, await beginStepUp(session, returnTo));
}

/**
 * Signs out of the app and of UniAuth: deletes this session's row and cookie, revokes its refresh token,
 * then sends the browser to UniAuth's end-session endpoint, which comes back to /signed-out with `state`.
 * (A server action: Next.js checks the Origin header, so another site cannot trigger it.)
 */
export async function signOutEverywhere(): Promise<void> {
  const session = await auth();
  const tokens = session?.sessionId ? await sessionTokens(session.sessionId) : null;
  await signOut({ redirect: false });
  if (tokens?.refreshToken) await revokeRefreshToken(tokens.refreshToken);

  const origin = await appOrigin();
  const state = randomBytes(24).toString("base64url");
  const target = await endSessionUrl({ idToken: tokens?.idToken, origin, state }).catch(() => null);
  if (!target) redirect(`${POST_LOGOUT_PATH}?uniauth=unavailable`);
  (await cookies()).set(LOGOUT_STATE_COOKIE, state, {
    httpOnly: true,
    sameSite: "lax",
    secure: origin.startsWith("https:"),
    path: POST_LOGOUT_PATH,
    maxAge: 600,
  });
  redirect(target.href);
}

/**
 * The cookie middleware reads carries the roles of its last issue; the database has the current ones.
 * When UniAuth granted a role since (seen at a token refresh), this re-issues the cookie, then goes on.
 */
export async function continueWithCurrentRoles(formData: FormData): Promise<void> {
  await reissueSessionCookie({});
  redirect(safeCallbackPath(formData.get("from"), "/dashboard"));
}
