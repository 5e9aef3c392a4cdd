import "server-only";
import type { NextRequest } from "next/server";
import { discover } from "@/lib/auth/core/uniauth/discovery";
import { AUTH_ERROR_PATH, UNIAUTH_UNAVAILABLE_PATH } from "@/lib/auth/core/base/paths";
import { SIGN_IN_REPLAYED, TOO_MANY_ATTEMPTS, UNIAUTH_BUSY, authErrorPath } from "@/lib/auth/core/base/error-pages";
import { UNIAUTH_PROVIDER_ID } from "@/lib/auth/core/uniauth/provider";
import { describeFailure } from "@/lib/auth/core/uniauth/failure";
import { watchUniAuth } from "@/lib/auth/core/uniauth/fetch";
import { UNIAUTH_DOWN_AFTER_MS } from "@/lib/auth/core/uniauth/timeouts";
import { signInsRefused } from "@/lib/auth/features/token-budget/token-budget";
import { signInCaller } from "@/lib/auth/features/token-budget/devices";
import { env } from "@/lib/env";
import { databaseUnavailable } from "@/lib/http/database-unavailable";

/** An answer slower than this is logged as slow (and the sign-in goes ahead). */
const SLOW_MS = 3000;

/**
 * Whether UniAuth can take a sign-in now. Auth.js builds the authorization URL from our cached discovery without
 * asking UniAuth anything, so a dead UniAuth would only show up as the browser's "This site can't be reached".
 * So at the click, and only then (page views never call UniAuth), this asks the very endpoint the browser is about
 * to be sent to, with a bare GET (an authorization server must answer that, a 400 for the missing parameters; a
 * HEAD may be a method it never serves). Any HTTP answer below 500 means UniAuth is up, even a 429 from its per-IP
 * limit (counted against the server's IP, never a user's), and even a slow one: slow is not down. A refused
 * connection, no answer within 10 seconds (UNIAUTH_DOWN_AFTER_MS), a 5xx or no discovery document means it is down.
 * It can still die in the next instant: nothing can rule that out from here.
 */
export async function uniauthAnswers(): Promise<boolean> {
  let outcome: string;
  try {
    const endpoint = (await discover()).authorization_endpoint;
    const started = Date.now();
    const response = endpoint ? await fetch(endpoint, { redirect: "manual", signal: AbortSignal.timeout(UNIAUTH_DOWN_AFTER_MS) }) : undefined;
    await response?.body?.cancel();
    const tookMs = Date.now() - started;
    if (response && response.status < 500) {
      if (tookMs > SLOW_MS) console.warn(`UniAuth is slow (its authorization endpoint took ${tookMs} ms); the sign-in goes ahead.`);
      return true;
    }
    outcome = response ? `its authorization endpoint answered ${response.status}` : "discovery names no authorization endpoint";
  } catch (error) {
    outcome = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${UNIAUTH_DOWN_AFTER_MS / 1000} s` : describeFailure(error);
  }
  console.error("UniAuth cannot take a sign-in now:", outcome);
  return false;
}

/**
 * How long one check's answer stands (UNIAUTH_CHECK_CACHE_MS, 5 s): every UniAuth call counts against its per-IP limit
 * (authorize: 20 in 15 min).
 */
const UNIAUTH_CHECK_CACHE_MS = env.UNIAUTH_CHECK_CACHE_MS;
let lastCheck: { at: number; up: boolean } | undefined;
let checking: Promise<boolean> | undefined;

/**
 * uniauthAnswers, at most once per UNIAUTH_CHECK_CACHE_MS on this instance: concurrent clicks share one check, and
 * clicks in the seconds after it take its answer. So a click within those seconds of UniAuth going down still goes
 * there (and one just after it comes back still gets our page): the price of not spending UniAuth's budget per click.
 */
export function uniauthTakesSignIns(): Promise<boolean> {
  if (lastCheck && Date.now() - lastCheck.at < UNIAUTH_CHECK_CACHE_MS) return Promise.resolve(lastCheck.up);
  checking ??= uniauthAnswers()
    .then((up) => {
      lastCheck = { at: Date.now(), up };
      return up;
    })
    .finally(() => (checking = undefined));
  return checking;
}

/**
 * Where a sign-in about to be sent to UniAuth must go instead, or null to go ahead: to the busy page when no token
 * call is left for its code exchange in this browser's share (lib/auth/budget: UniAuth said 429, or the share is
 * spent), so nobody signs in at UniAuth only to be refused on the way back; to the limit page when its address failed
 * too many code exchanges; to the outage page when UniAuth does not answer.
 */
export async function uniauthRefusesSignIn(): Promise<string | null> {
  const refused = await signInsRefused(await signInCaller());
  if (refused) return authErrorPath(refused.why === "limited" ? TOO_MANY_ATTEMPTS : UNIAUTH_BUSY, refused.retryAfterMs / 1000);
  return (await uniauthTakesSignIns()) ? null : UNIAUTH_UNAVAILABLE_PATH;
}

/** Whether `location` is UniAuth's authorization endpoint (where Auth.js sends a sign-in it accepted). */
async function isAuthorizationRedirect(location: string): Promise<boolean> {
  try {
    const endpoint = (await discover()).authorization_endpoint;
    if (!endpoint) return false;
    const [target, authorize] = [new URL(location), new URL(endpoint)];
    return target.origin === authorize.origin && target.pathname === authorize.pathname;
  } catch {
    return false;
  }
}

type Handler = (request: NextRequest) => Promise<Response>;

/**
 * Auth.js's route handler, with UniAuth outages sent to our UniAuthUnavailable page instead of the browser's error
 * page or Auth.js's generic "Configuration" one: a sign-in started at Auth.js's own route is checked, as the sign-in
 * action is, and a request during which UniAuth failed to answer (the code exchange, say) that Auth.js then sends to
 * the error page goes to that page instead. The sign-in is checked only once Auth.js has accepted it (its CSRF check
 * passed and it sends the browser to UniAuth's authorization endpoint): an anonymous POST makes no call to UniAuth.
 */
export function withUniAuthOutagePage(handler: Handler): Handler {
  return async (request) => {
    const signIn = request.method === "POST" && request.nextUrl.pathname.endsWith(`/signin/${UNIAUTH_PROVIDER_ID}`);
    const { result, calls } = await watchUniAuth(() => handler(request));
    const location = result.headers.get("location");
    const refused = signIn && location && (await isAuthorizationRedirect(location)) ? await uniauthRefusesSignIn() : null;
    // Auth.js's PKCE, state and nonce cookies go with the redirect it made; this one replaces it.
    if (refused) return new Response(null, { status: 303, headers: { Location: refused } });
    if (!location || new URL(location, request.url).pathname !== AUTH_ERROR_PATH) return result;
    // The code exchange was never made: the database is down, the callback was a replay, or the budget said no. No
    // row was written.
    if (calls.databaseDown) return databaseUnavailable();
    if (calls.replayed) return Response.redirect(new URL(authErrorPath(SIGN_IN_REPLAYED), location), 302);
    if (calls.busyForMs !== undefined) {
      return Response.redirect(new URL(authErrorPath(calls.limited ? TOO_MANY_ATTEMPTS : UNIAUTH_BUSY, calls.busyForMs / 1000), location), 302);
    }
    if (!calls.failed) return result;
    return Response.redirect(new URL(UNIAUTH_UNAVAILABLE_PATH, location), 302);
  };
}
