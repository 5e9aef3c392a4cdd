"use server";

import "@/lib/auth/installed";
import { randomBytes } from "node:crypto";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { signInStartRefusal } from "@/lib/auth/core/auth-route";
import { refusalPath } from "@/lib/auth/core/base/error-pages";
import { reissueSessionCookie, signIn, signOut } from "@/lib/auth/core/nextauth";
import { auth } from "@/lib/auth/core/session/current";
import { LOGOUT_STATE_COOKIE, POST_LOGOUT_PATH, endSessionUrl, revokeRefreshToken } from "@/lib/auth/core/uniauth/end-session";
import { UNIAUTH_PROVIDER_ID } from "@/lib/auth/core/uniauth/provider";
import { safeCallbackPath } from "@/lib/auth/core/base/redirect";
import { sessionTokens } from "@/lib/auth/core/session/store";
import { appOrigin } from "@/lib/http/origin";

export async function signInWithUniAuth(formData: FormData): Promise<void> {
  const refused = await signInStartRefusal();
  if (refused) redirect(refusalPath(refused));
  await signIn(UNIAUTH_PROVIDER_ID, { redirectTo: safeCallbackPath(formData.get("callbackUrl"), "/dashboard") });
}

/**
 * Deletes the session's row and cookie, revokes its refresh token, then goes to UniAuth's end-session endpoint (back to
 * /signed-out with `state`). A server action: Next.js checks Origin, so no other site can trigger it.
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
    httpOnly: true, sameSite: "lax", secure: origin.startsWith("https:"), path: POST_LOGOUT_PATH, maxAge: 600,
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
