import "server-only";
import * as oauth from "oauth4webapi";
import { discover, requestOptions } from "@/lib/auth/discovery";
import { ID_TOKEN_ALGORITHM, uniauthProvider } from "@/lib/auth/provider";
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

/** What to log about a failed call to UniAuth: the OAuth error code or the error's kind, never a token. */
export function describeFailure(error: unknown): string {
  if (error instanceof oauth.ResponseBodyError) return `${error.status} ${error.error}`;
  if (error instanceof Error && error.cause instanceof Error && "code" in error.cause) return `${error.name} (${String(error.cause.code)})`;
  if (error instanceof Error) return "code" in error ? String(error.code) : error.name;
  return "unknown error";
}
