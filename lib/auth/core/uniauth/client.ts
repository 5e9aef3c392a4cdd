import "server-only";
import * as oauth from "oauth4webapi";
import { clientAuthMethod, clientAuthentication } from "@/lib/auth/core/uniauth/client-auth";
import { discover, requestOptions } from "@/lib/auth/core/uniauth/discovery";
import { ID_TOKEN_ALGORITHM } from "@/lib/auth/core/uniauth/provider";
import { env } from "@/lib/env";

export async function uniauthClient() {
  const server = await discover();
  const client: oauth.Client = { client_id: env.UNIAUTH_CLIENT_ID, id_token_signed_response_alg: ID_TOKEN_ALGORITHM };
  // As Auth.js's code exchange authenticates (the provider's `client`), down to the Basic header's encoding.
  const clientAuth = clientAuthentication(clientAuthMethod(server), env.UNIAUTH_CLIENT_ID, env.UNIAUTH_CLIENT_SECRET);
  return { server, client, clientAuth, options: (timeoutMs?: number) => requestOptions(server.issuer, timeoutMs) };
}
