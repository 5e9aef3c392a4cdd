/** From the environment, never a request's proxy headers: the cookie's name (which salts its key) must not vary. */
export function secureSessionCookie({ authUrl, production }: { authUrl?: string; production: boolean }): boolean {
  return authUrl ? new URL(authUrl).protocol === "https:" : production;
}
