import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { signInCaller } from "@/lib/auth/features/token-budget/devices";
import { callbackState, firstUseOfState } from "@/lib/auth/features/token-budget/sign-in-attempts";
import { type Admission, pauseTokenCalls, settleExchange, takeTokenCall } from "@/lib/auth/features/token-budget/token-budget";
import { discoveredAlready } from "@/lib/auth/core/uniauth/discovery";
import { describeFailure } from "@/lib/auth/core/uniauth/failure";
import { SIGN_IN_REPLAYED, TOO_MANY_ATTEMPTS, UNIAUTH_BUSY } from "@/lib/auth/core/base/error-pages";
import { UNIAUTH_TIMEOUT_MS } from "@/lib/auth/core/uniauth/timeouts";
import { isConnectionFailure } from "@/lib/database-errors";

/** When UniAuth says 429 without a Retry-After, every instance leaves its token endpoint alone this long. */
export const RATE_LIMIT_PAUSE_MS = 5 * 60_000;
const MAX_PAUSE_MS = 60 * 60_000;
/** A budget that could not answer (not the database being down): the sign-in is told to retry this much later. */
const BUDGET_UNANSWERED_RETRY_MS = 60_000;

interface Watch {
  /** UniAuth did not answer (refused, timed out) or answered with a 5xx. */
  failed: boolean;
  /** No token call could be made (the budget) or UniAuth answered 429: retry after this many milliseconds. */
  busyForMs?: number;
  /** The budget refused because the client's address failed too many code exchanges. */
  limited?: boolean;
  /** The callback's `state` was used before: a replay. */
  replayed?: boolean;
  /** The budget could not be asked: the database is unreachable (so no sign-in could be written either). */
  databaseDown?: boolean;
}

const watched = new AsyncLocalStorage<Watch>();

/**
 * The fetch Auth.js uses for its own calls to UniAuth (the code exchange, userinfo, discovery when ours failed):
 * with the timeout Auth.js does not set, and noting for `watchUniAuth` when UniAuth did not answer or failed. The
 * code exchange is a token call: its callback's `state` must be new, and it is taken from the app's budget first
 * (lib/auth/budget), in the share of the browser signing in (a known device's, or the open pool); a 429 pauses every
 * instance's token calls. When either says no, no call is made and Auth.js gets UniAuth's own answer to one call too
 * many: 429.
 */
export async function uniauthFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const calls = watched.getStore();
  const admission = isTokenCall(input, init) ? await admitExchange(calls) : undefined;
  if (admission === null) return Response.json({ error: "temporarily_unavailable" }, { status: 429 });
  const timeout = AbortSignal.timeout(UNIAUTH_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  } catch (error) {
    if (calls) calls.failed = true;
    if (admission) await settle(admission, false);
    throw error;
  }
  if (response.status >= 500 && calls) calls.failed = true;
  if (response.status === 429 && admission) {
    const pause = retryAfterMs(response.headers.get("retry-after")) ?? RATE_LIMIT_PAUSE_MS;
    await pauseTokenCalls(pause);
    if (calls) calls.busyForMs = pause;
  }
  // UniAuth refused the code itself (invalid_grant and the like): that counts against whoever sent it.
  if (admission) await settle(admission, response.status >= 400 && response.status < 500 && response.status !== 429);
  return response;
}

/**
 * Lets a code exchange go ahead: its admission, or null when it must not (noted for `watchUniAuth`): a replayed
 * callback, the budget's refusal, or a budget that cannot answer. That fails closed: the database down (no sign-in
 * could be written anyway) goes to the outage page, anything else to the busy page, since a call made uncounted could
 * bring UniAuth's 429, which stops every instance's token calls.
 */
async function admitExchange(calls: Watch | undefined): Promise<Admission | null> {
  const watch = calls ?? { failed: false };
  try {
    const state = callbackState();
    if (state && !(await firstUseOfState(state))) {
      watch.replayed = true;
      return null;
    }
    const taken = await takeTokenCall({ for: "sign-in", caller: await signInCaller() });
    if (!("why" in taken)) return taken;
    watch.busyForMs = taken.retryAfterMs;
    watch.limited = taken.why === "limited";
  } catch (error) {
    if (isConnectionFailure(error)) {
      console.error("The code exchange was not made: the database is unreachable.", describeFailure(error));
      watch.databaseDown = true;
    } else {
      console.error("The token budget could not answer; the sign-in is told to retry:", describeFailure(error));
      watch.busyForMs = BUDGET_UNANSWERED_RETRY_MS;
    }
  }
  return null;
}

async function settle(admission: Admission, codeRefused: boolean): Promise<void> {
  await settleExchange(admission, codeRefused).catch((error: unknown) => console.error("A code exchange could not be settled in the budget:", describeFailure(error)));
}

/** Runs `work` and tells whether a `uniauthFetch` call within it found UniAuth unreachable, failing, or busy. */
export async function watchUniAuth<T>(work: () => Promise<T>): Promise<{ result: T; calls: Readonly<Watch> }> {
  const calls: Watch = { failed: false };
  const result = await watched.run(calls, work);
  return { result, calls };
}

/** Whether, in this request, a code exchange was not made because the database was unreachable (nothing can be stored). */
export const databaseDownAtExchange = (): boolean => watched.getStore()?.databaseDown === true;

/** Why, in this request so far, a token call was not made or was refused by UniAuth's rate limit, if it was. */
export function tokenCallRefused(): typeof UNIAUTH_BUSY | typeof TOO_MANY_ATTEMPTS | typeof SIGN_IN_REPLAYED | null {
  const calls = watched.getStore();
  if (calls?.replayed) return SIGN_IN_REPLAYED;
  if (calls?.busyForMs === undefined) return null;
  return calls.limited ? TOO_MANY_ATTEMPTS : UNIAUTH_BUSY;
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now (at most an hour). */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const ms = /^\d+$/.test(header) ? Number(header) * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_PAUSE_MS) : undefined;
}

/** A call to UniAuth's token endpoint: ours, or one Auth.js discovered for itself (ours failed), by its grant. */
function isTokenCall(input: string | URL | Request, init: RequestInit | undefined): boolean {
  const endpoint = discoveredAlready()?.token_endpoint;
  const url = input instanceof Request ? input.url : String(input);
  return (!!endpoint && url.split("?")[0] === endpoint) || (init?.body instanceof URLSearchParams && init.body.has("grant_type"));
}
