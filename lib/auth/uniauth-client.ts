import * as oauth from "oauth4webapi";
import { discover, tokenEndpointAuthMethod } from "@/lib/auth/discovery";
import { env } from "@/lib/env";

/** Everything oauth4webapi needs to call UniAuth as this client: metadata, client, authentication, options. */
export async function uniauthClient() {
  const server = await discover();
  const client: oauth.Client = { client_id: env.UNIAUTH_CLIENT_ID, id_token_signed_response_alg: "RS256" };
  const clientAuth =
    (await tokenEndpointAuthMethod()) === "client_secret_basic"
      ? oauth.ClientSecretBasic(env.UNIAUTH_CLIENT_SECRET)
      : oauth.ClientSecretPost(env.UNIAUTH_CLIENT_SECRET);
  const options = () => ({
    signal: AbortSignal.timeout(5000),
    // Plain http is only ever the local stand-in; the real issuer is https.
    [oauth.allowInsecureRequests]: new URL(server.issuer).protocol === "http:",
  });
  return { server, client, clientAuth, options };
}
