import * as oauth from "oauth4webapi";
import { discover } from "@/lib/auth/discovery";
import { env } from "@/lib/env";

/** UniAuth's userinfo for this access token, checked to belong to `sub` (one call, at sign-in only). */
export async function fetchUserinfo(accessToken: string, sub: string): Promise<oauth.UserInfoResponse> {
  const server = await discover();
  const client = { client_id: env.UNIAUTH_CLIENT_ID };
  const response = await oauth.userInfoRequest(server, client, accessToken, {
    signal: AbortSignal.timeout(5000),
    [oauth.allowInsecureRequests]: new URL(server.issuer).protocol === "http:",
  });
  return oauth.processUserInfoResponse(server, client, sub, response);
}
