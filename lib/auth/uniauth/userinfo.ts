import "server-only";
import * as oauth from "oauth4webapi";
import { uniauthClient } from "@/lib/auth/uniauth/client";
import { describeFailure } from "@/lib/auth/uniauth/failure";

/** UniAuth's userinfo for this access token, checked to belong to `sub` (when given). */
export async function fetchUserinfo(accessToken: string, sub: string | typeof oauth.skipSubjectCheck): Promise<oauth.UserInfoResponse> {
  const { server, client, options } = await uniauthClient();
  const response = await oauth.userInfoRequest(server, client, accessToken, options());
  return oauth.processUserInfoResponse(server, client, sub, response);
}

/**
 * UniAuth puts `groups` in the ID token; should it ever be missing, ask userinfo once. If that fails the
 * user gets no groups (no roles) until the next sign-in or refresh: never stale ones.
 */
export async function withGroups<T extends { sub?: unknown }>(claims: T, accessToken: string | undefined): Promise<T & { groups?: unknown }> {
  if ("groups" in claims || !accessToken || typeof claims.sub !== "string") return claims;
  try {
    const { groups } = await fetchUserinfo(accessToken, claims.sub);
    return { ...claims, groups };
  } catch (error) {
    console.error("UniAuth userinfo failed; continuing without groups:", describeFailure(error));
    return claims;
  }
}
