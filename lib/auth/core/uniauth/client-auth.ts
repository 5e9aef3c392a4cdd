import * as oauth from "oauth4webapi";

export type ClientAuthMethod = "client_secret_post" | "client_secret_basic";

/**
 * How the app authenticates at UniAuth's token and revocation endpoints, the same for every call: Auth.js's code
 * exchange (the provider's `client`) and the app's own refresh and revocation (`clientAuthentication`).
 * `client_secret_post` when discovery lists it, or lists nothing (UniAuth documents post, and every example of its
 * uses it); `client_secret_basic` only when discovery lists it and not post.
 */
export function clientAuthMethod(server: Pick<oauth.AuthorizationServer, "token_endpoint_auth_methods_supported"> | null): ClientAuthMethod {
  const listed = server?.token_endpoint_auth_methods_supported;
  if (!listed?.length || listed.includes("client_secret_post")) return "client_secret_post";
  return listed.includes("client_secret_basic") ? "client_secret_basic" : "client_secret_post";
}

/**
 * The `Authorization` header exactly as Auth.js's code exchange sends it (@auth/core, callback.js `clientSecretBasic`):
 * each part through encodeURIComponent, spaces as "+". That leaves `uni_…` and `unis_…` as they are, where
 * oauth4webapi's own ClientSecretBasic also encodes `-_.!~*'()` (`uni_` becomes `uni%5F`): a provider that compares
 * the credentials without decoding them would take the code exchange and refuse every refresh and revocation.
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (part: string) => encodeURIComponent(part).replace(/%20/g, "+");
  return `Basic ${btoa(`${encode(clientId)}:${encode(clientSecret)}`)}`;
}

/** The client authentication for the app's own oauth4webapi calls, by the method `clientAuthMethod` chose. */
export function clientAuthentication(method: ClientAuthMethod, clientId: string, clientSecret: string): oauth.ClientAuth {
  if (method === "client_secret_post") return oauth.ClientSecretPost(clientSecret);
  return (_server, _client, _body, headers) => headers.set("authorization", basicAuthorization(clientId, clientSecret));
}
