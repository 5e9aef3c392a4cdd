import * as oauth from "oauth4webapi";
import { uniauthClient } from "@/lib/auth/core/uniauth/client";
import { cookieFetch } from "../../scripts/local/cookie-fetch";
import { testEnv } from "./env";

interface GrantOptions {
  /** What the picker's form sends besides the user: `mfa: "yes"`, `minutesAgo`. */
  login?: Record<string, string>;
  /** Further authorization request parameters (`max_age`, `acr_values`). */
  params?: Record<string, string>;
  /** The browser's cookies at UniAuth, kept between grants (its UniAuth session). */
  jar?: Map<string, string>;
  /** Called when UniAuth shows its sign-in page (and not when its session answers alone). */
  onSignInPage?: () => void;
}

/**
 * Signs a seeded user in at the local UniAuth without a browser (authorization code + PKCE, the user picked on
 * its sign-in page) and returns the token response the app's callback would have received: real tokens for
 * tests that call the app's modules directly.
 */
export async function grantFromLocalUniAuth(user: string, { login, params: extra, jar = new Map(), onSignInPage }: GrantOptions = {}): Promise<oauth.TokenEndpointResponse> {
  const { server, client, clientAuth, options } = await uniauthClient();
  const redirectUri = `${testEnv("AUTH_URL")}/api/auth/callback/uniauth`;
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const authorize = new URL(server.authorization_endpoint!);
  authorize.search = new URLSearchParams({
    response_type: "code",
    client_id: client.client_id,
    redirect_uri: redirectUri,
    scope: "openid email profile groups",
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    ...extra,
  }).toString();

  const send = cookieFetch(jar);
  const go = async (url: URL, init: RequestInit = {}) => {
    const response = await send(url, init);
    const location = response.headers.get("location");
    if (!location) throw new Error(`local UniAuth answered ${url.pathname} with ${response.status} and no redirect`);
    return new URL(location, url);
  };

  let next = await go(authorize);
  for (let hop = 0; !next.href.startsWith(redirectUri); hop++) {
    if (hop === 10) throw new Error("local UniAuth never redirected back to the app");
    const interaction = /^\/interaction\/([\w-]+)$/.exec(next.pathname);
    if (interaction) onSignInPage?.();
    next = interaction
      ? await go(new URL(`/interaction/${interaction[1]}/login`, next), { method: "POST", body: new URLSearchParams({ user, ...login }) })
      : await go(next);
  }
  const params = oauth.validateAuthResponse(server, client, next, state);
  const response = await oauth.authorizationCodeGrantRequest(server, client, clientAuth, params, redirectUri, verifier, options());
  return oauth.processAuthorizationCodeResponse(server, client, response, { expectedNonce: nonce, requireIdToken: true });
}
