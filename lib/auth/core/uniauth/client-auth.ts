import * as oauth from "oauth4webapi";

export type ClientAuthMethod = "client_secret_post" | "client_secret_basic";

/** One method for Auth.js's exchange and ours: post (UniAuth documents it) unless discovery lists basic, not post. */
export function clientAuthMethod(server: Pick<oauth.AuthorizationServer, "token_endpoint_auth_methods_supported"> | null): ClientAuthMethod {
  const listed = server?.token_endpoint_auth_methods_supported;
  if (!listed?.length || listed.includes("client_secret_post")) return "client_secret_post";
  return listed.includes("client_secret_basic") ? "client_secret_basic" : "client_secret_post";
}

/**
 * Auth.js's encoding (callback.js `clientSecretBasic`: encodeURIComponent, "+" for spaces). oauth4webapi's own also
 * encodes `-_.!~*'()` (`uni_` → `uni%5F`): a provider comparing raw values would refuse every refresh.
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (part: string) => encodeURIComponent(part).replace(/%20/g, "+");
  return `Basic ${btoa(`${encode(clientId)}:${encode(clientSecret)}`)}`;
}

export function clientAuthentication(method: ClientAuthMethod, clientId: string, clientSecret: string): oauth.ClientAuth {
  if (method === "client_secret_post") return oauth.ClientSecretPost(clientSecret);
  return (_server, _client, _body, headers) => headers.set("authorization", basicAuthorization(clientId, clientSecret));
}
