/**
 * Whether the session cookie is a secure one: decided once from the environment (AUTH_URL's protocol when set,
 * else https in production, as on Vercel) and given to Auth.js as `useSecureCookies`, so the name it writes and
 * the one read here never depend on a request's proxy headers. The name is also the salt of the cookie's key.
 */
export function secureSessionCookie({ authUrl, production }: { authUrl?: string; production: boolean }): boolean {
  return authUrl ? new URL(authUrl).protocol === "https:" : production;
}
