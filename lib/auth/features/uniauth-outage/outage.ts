import "server-only";
import { discover } from "@/lib/auth/core/uniauth/discovery";
import { describeFailure } from "@/lib/auth/core/uniauth/failure";
import { UNIAUTH_DOWN_AFTER_MS } from "@/lib/auth/core/uniauth/timeouts";
import { env } from "@/lib/env";

/** An answer slower than this is logged as slow, and the sign-in goes ahead: 3 s of the default 10. */
const SLOW_MS = UNIAUTH_DOWN_AFTER_MS * 0.3;

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
