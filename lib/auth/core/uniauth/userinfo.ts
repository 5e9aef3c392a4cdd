import "server-only";
import * as oauth from "oauth4webapi";
import { uniauthClient } from "@/lib/auth/core/uniauth/client";
import { describeFailure } from "@/lib/auth/core/uniauth/failure";

export async function fetchUserinfo(accessToken: string, sub: string | typeof oauth.skipSubjectCheck): Promise<oauth.UserInfoResponse> {
  const { server, client, options } = await uniauthClient();
  const response = await oauth.userInfoRequest(server, client, accessToken, options());
  return oauth.processUserInfoResponse(server, client, sub, response);
}

/** The claims the app uses that a provider may leave out of the ID token and release at userinfo only. */
export const USERINFO_CLAIMS = ["email", "email_verified", "name", "groups"] as const;
type UserinfoClaim = (typeof USERINFO_CLAIMS)[number];

/**
 * Many providers release scope claims at userinfo only (OpenID Connect Core §5.4), where UniAuth puts them in the ID
 * token: one userinfo call at most, none if nothing is missing. The ID token's claims win; userinfo's `sub` must match
 * (oauth4webapi checks). `groups` counts as missing only if granted; a response without `scope` granted what was asked
 * (RFC 6749 §5.1). If userinfo fails the claims stay: no email, no sign-in; no groups, no roles, never stale ones.
 */
export async function withUserinfoClaims<T extends { sub?: unknown }>(
  claims: T,
  tokens: { access_token?: string | null; scope?: string | null },
  wanted: readonly UserinfoClaim[] = USERINFO_CLAIMS,
): Promise<T & Partial<Record<UserinfoClaim, unknown>>> {
  const groupsGranted = typeof tokens.scope !== "string" || tokens.scope.split(" ").includes("groups");
  const missing = wanted.filter((claim) => !(claim in claims) && (claim !== "groups" || groupsGranted));
  if (!missing.length || !tokens.access_token || typeof claims.sub !== "string") return claims;
  try {
    const userinfo = await fetchUserinfo(tokens.access_token, claims.sub);
    return { ...claims, ...Object.fromEntries(missing.filter((claim) => claim in userinfo).map((claim) => [claim, userinfo[claim]])) };
  } catch (error) {
    console.error(`UniAuth userinfo failed; going on without ${missing.join(", ")}:`, describeFailure(error));
    return claims;
  }
}
