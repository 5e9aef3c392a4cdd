import "server-only";
import { cookies } from "next/headers";
import * as oauth from "oauth4webapi";
import { POST_LOGOUT_PATH } from "@/lib/auth/core/base/paths";
import { uniauthClient } from "@/lib/auth/core/uniauth/client";
import { describeFailure } from "@/lib/auth/core/uniauth/failure";
import { env } from "@/lib/env";

export { POST_LOGOUT_PATH };
export const LOGOUT_STATE_COOKIE = "uniauth-logout-state";

/** RP-initiated logout; null when discovery lists no end-session endpoint (then only the app's session ends). */
export async function endSessionUrl({ idToken, origin, state }: { idToken?: string | null; origin: string; state: string }): Promise<URL | null> {
  const { server } = await uniauthClient();
  if (!server.end_session_endpoint) return null;
  const url = new URL(server.end_session_endpoint);
  if (idToken) url.searchParams.set("id_token_hint", idToken);
  url.searchParams.set("client_id", env.UNIAUTH_CLIENT_ID);
  url.searchParams.set("post_logout_redirect_uri", `${origin}${POST_LOGOUT_PATH}`);
  url.searchParams.set("state", state);
  return url;
}

/** Revokes a refresh token at UniAuth, best effort: a failure never blocks the sign-out or step-up that asked. */
export async function revokeRefreshToken(refreshToken: string): Promise<void> {
  try {
    const { server, client, clientAuth, options } = await uniauthClient();
    if (!server.revocation_endpoint) return;
    const response = await oauth.revocationRequest(server, client, clientAuth, refreshToken, { ...options(), additionalParameters: { token_type_hint: "refresh_token" } });
    await oauth.processRevocationResponse(response);
  } catch (error) {
    console.error("Refresh token revocation failed (going on without it):", describeFailure(error));
  }
}

export async function uniauthSignOutConfirmed(state: unknown): Promise<boolean> {
  const expected = (await cookies()).get(LOGOUT_STATE_COOKIE)?.value;
  return typeof state === "string" && expected !== undefined && state === expected;
}
