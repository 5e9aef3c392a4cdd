import { cookieFetch } from "../local/cookie-fetch";

/** Auth.js's session cookie on http (no __Secure- prefix). */
export const SESSION_COOKIE = "authjs.session-token";

export interface SignInOutcome {
  /** `authjs.session-token=…` when the sign-in ended signed in, else null. */
  cookie: string | null;
  /** Where the browser ended up in the app: `/dashboard`, `/auth/error?error=…`, or the status of an answer with no redirect. */
  landedOn: string;
}

export interface SignInOptions {
  /** What the stand-in's picker sends besides the user: `mfa: "yes"`, `minutesAgo`. */
  login?: Record<string, string>;
  /** Where the app sends the browser once signed in (default /dashboard). */
  callbackPath?: string;
  /** Sent with every request, e.g. the browser's user-agent, which the app stores with the session. */
  headers?: Record<string, string>;
  /** The cookie jar (both origins): afterwards it holds the app's session and UniAuth's session cookies. */
  jar?: Map<string, string>;
}

/**
 * A browser's sign-in, as plain HTTP and no browser: Auth.js's CSRF token, the sign-in POST, UniAuth's (the local
 * stand-in's) authorize and sign-in page, where `user` (a seeded user's id) is picked, then back to the app's callback,
 * which exchanges the code. One cookie jar for both origins, as a browser keeps for localhost.
 */
export async function signInThroughApp(
  appUrl: string,
  user: string,
  { login = {}, callbackPath = "/dashboard", headers = {}, jar = new Map<string, string>() }: SignInOptions = {},
): Promise<SignInOutcome> {
  const fetchWithJar = cookieFetch(jar);
  const send = (url: URL, init: RequestInit = {}) => fetchWithJar(url, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
  const form = (fields: Record<string, string>): RequestInit => ({
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });

  const { csrfToken } = (await (await send(new URL("/api/auth/csrf", appUrl))).json()) as { csrfToken: string };
  let response = await send(new URL("/api/auth/signin/uniauth", appUrl), form({ csrfToken, callbackUrl: `${appUrl}${callbackPath}` }));
  for (let hop = 0; hop < 12; hop++) {
    const location = response.headers.get("location");
    const next = location ? new URL(location, response.url) : null;
    if (!next) return { cookie: null, landedOn: `answered ${response.status}` };
    if (next.origin === appUrl && !next.pathname.startsWith("/api/auth/")) {
      const value = jar.get(SESSION_COOKIE);
      return { cookie: value ? `${SESSION_COOKIE}=${value}` : null, landedOn: next.pathname + next.search };
    }
    const interaction = /^\/interaction\/([\w-]+)$/.exec(next.pathname);
    response = interaction ? await send(new URL(`/interaction/${interaction[1]}/login`, next), form({ user, ...login })) : await send(next);
  }
  throw new Error("the sign-in never came back to the app");
}
