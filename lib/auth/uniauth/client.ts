import "server-only";
import * as oauth from "oauth4webapi";
import { discover, requestOptions } from "@/lib/auth/uniauth/discovery";
import { ID_TOKEN_ALGORITHM, uniauthProvider } from "@/lib/auth/uniauth/provider";
import { env } from "@/lib/env";

/** Everything oauth4webapi needs to call UniAuth as this client: metadata, client, authentication, options. */
export async function uniauthClient() {
  const server = await discover();
  const client: oauth.Client = { client_id: env.UNIAUTH_CLIENT_ID, id_token_signed_response_alg: ID_TOKEN_ALGORITHM };
  const clientAuth =
    uniauthProvider(server).client?.token_endpoint_auth_method === "client_secret_basic"
      ? oauth.ClientSecretBasic(env.UNIAUTH_CLIENT_SECRET)
      : oauth.ClientSecretPost(env.UNIAUTH_CLIENT_SECRET);
  return { server, client, clientAuth, options: (timeoutMs?: number) => requestOptions(server.issuer, timeoutMs) };
}
