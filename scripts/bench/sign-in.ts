import { cookieFetch } from "../local/cookie-fetch";

/** Auth.js's session cookie on http (no __Host- prefix). */
export const SESSION_COOKIE = "authjs.session-token";

/**
 * A browser: its cookie jar (both origins), kept from one sign-in to the next (so the app's device cookie comes back),
 * the address a proxy in front of the app reports for it in X-Forwarded-For (a made-up one: all of this is loopback),
 * if any, and headers it sends with every request (its user-agent, which the app stores with the session).
 */
export interface Browser {
  jar: Map<string, string>;
  address?: string;
  headers?: Record<string, string>;
}

export interface SignInOptions {
  /** What the stand-in's picker sends besides the user: `mfa: "yes"`, `minutesAgo`. */
  login?: Record<string, string>;
  /** Where the app sends the browser once signed in (default /dashboard). */
  callbackPath?: string;
}

/** A browser never seen before, at a made-up address (198.18.0.0/15, the range set aside for benchmarks). */
export function newBrowser(): Browser {
  const byte = () => Math.floor(Math.random() * 256);
  return { jar: new Map(), address: `198.${18 + (byte() % 2)}.${byte()}.${byte()}` };
}

export interface SignInOutcome {
  /** `authjs.session-token=…` when the sign-in ended signed in, else null. */
  cookie: string | null;
  /** Where the browser ended up in the app: `/dashboard`, `/auth/error?error=…`, or the status of an answer with no redirect. */
  landedOn: string;
  /** For an error page: its status and Retry-After, as the browser got them. */
  page?: { status: number; retryAfter: string | null };
}

type Send = ReturnType<typeof cookieFetch>;

/** A fetch as the browser: its jar, its address. */
export const browserFetch = (browser: Browser): Send =>
  cookieFetch(browser.jar, { ...browser.headers, ...(browser.address && { "x-forwarded-for": browser.address }) });

const form = (fields: Record<string, string>): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields),
});

/** The start of a sign-in: Auth.js's CSRF token, then the sign-in POST. Its answer redirects to UniAuth or to an error page. */
export async function startSignIn(appUrl: string, browser: Browser, callbackPath = "/dashboard"): Promise<Response> {
  const fetchAs = browserFetch(browser);
  const { csrfToken } = (await (await fetchAs(new URL("/api/auth/csrf", appUrl))).json()) as { csrfToken: string };
  return fetchAs(new URL("/api/auth/signin/uniauth", appUrl), form({ csrfToken, callbackUrl: `${appUrl}${callbackPath}` }));
}

/**
 * A browser's sign-in, as plain HTTP and no browser: the start, UniAuth's (the local stand-in's) authorize and
 * sign-in page, where `user` (a seeded user's id) is picked, then back to the app's callback, which exchanges the
 * code. One cookie jar for both origins, as a browser keeps for localhost.
 */
export async function signInThroughApp(appUrl: string, user: string, browser = newBrowser(), { login = {}, callbackPath }: SignInOptions = {}): Promise<SignInOutcome> {
  const fetchAs = browserFetch(browser);
  let response = await startSignIn(appUrl, browser, callbackPath);
  for (let hop = 0; hop < 12; hop++) {
    const next = nextHop(response);
    if (!next) return { cookie: null, landedOn: `answered ${response.status}` };
    if (next.origin === appUrl && !next.pathname.startsWith("/api/auth/")) return landed(fetchAs, next, browser.jar.get(SESSION_COOKIE));
    const interaction = /^\/interaction\/([\w-]+)$/.exec(next.pathname);
    response = interaction ? await fetchAs(new URL(`/interaction/${interaction[1]}/login`, next), form({ user, ...login })) : await fetchAs(next);
  }
  throw new Error("the sign-in never came back to the app");
}

/** Where a redirect sends the browser, or null for an answer that is no redirect. */
export function nextHop(response: Response): URL | null {
  const location = response.headers.get("location");
  return location ? new URL(location, response.url) : null;
}

/** The outcome of a sign-in that came back to `where` in the app: an error page is fetched for its status and Retry-After. */
export async function landed(fetchAs: Send, where: URL, session: string | undefined): Promise<SignInOutcome> {
  const landedOn = where.pathname + where.search;
  if (!where.pathname.startsWith("/auth/error")) return { cookie: session ? `${SESSION_COOKIE}=${session}` : null, landedOn };
  const page = await fetchAs(where);
  await page.arrayBuffer();
  return { cookie: null, landedOn, page: { status: page.status, retryAfter: page.headers.get("retry-after") } };
}
