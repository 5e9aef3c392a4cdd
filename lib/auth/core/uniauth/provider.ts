import type { OIDCConfig } from "next-auth/providers";
import type { AuthorizationServer } from "oauth4webapi";
import { clientAuthMethod } from "@/lib/auth/core/uniauth/client-auth";
import { env } from "@/lib/env";

export const UNIAUTH_PROVIDER_ID = "uniauth";
/** UniAuth signs ID and logout tokens with RS256 only; nothing else is accepted. */
export const ID_TOKEN_ALGORITHM = "RS256";

const SCOPE = "openid profile email groups";

/** Given our cached discovery, Auth.js skips its own (UniAuth asks clients to cache it); without one, it discovers. */
export function uniauthProvider(server: AuthorizationServer | null): OIDCConfig<Record<string, unknown>> {
  return {
    id: UNIAUTH_PROVIDER_ID,
    name: "UniAuth",
    type: "oidc",
    issuer: server?.issuer ?? env.UNIAUTH_ISSUER,
    clientId: env.UNIAUTH_CLIENT_ID,
    clientSecret: env.UNIAUTH_CLIENT_SECRET,
    checks: ["pkce", "state", "nonce"],
    authorization: { url: server?.authorization_endpoint, params: { scope: SCOPE } },
    token: server?.token_endpoint,
    userinfo: server?.userinfo_endpoint,
    client: {
      // The one method for every token and revocation call (lib/auth/core/uniauth/client-auth.ts).
      token_endpoint_auth_method: clientAuthMethod(server),
      id_token_signed_response_alg: ID_TOKEN_ALGORITHM,
    },
  };
}
