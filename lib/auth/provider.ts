import type { OIDCConfig } from "next-auth/providers";
import { env } from "@/lib/env";

export const UNIAUTH_PROVIDER_ID = "uniauth";
/** UniAuth signs ID and logout tokens with RS256 only; nothing else is accepted. */
export const ID_TOKEN_ALGORITHM = "RS256";

/** The one UniAuth provider: configured from the issuer alone (discovery), with PKCE, state and nonce. */
export function uniauthProvider(
  tokenEndpointAuthMethod: "client_secret_basic" | "client_secret_post",
): OIDCConfig<Record<string, unknown>> {
  return {
    id: UNIAUTH_PROVIDER_ID,
    name: "UniAuth",
    type: "oidc",
    issuer: env.UNIAUTH_ISSUER,
    clientId: env.UNIAUTH_CLIENT_ID,
    clientSecret: env.UNIAUTH_CLIENT_SECRET,
    checks: ["pkce", "state", "nonce"],
    authorization: { params: { scope: "openid profile email groups" } },
    client: { token_endpoint_auth_method: tokenEndpointAuthMethod, id_token_signed_response_alg: ID_TOKEN_ALGORITHM },
  };
}
