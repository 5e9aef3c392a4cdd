import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { signInCaller } from "@/lib/auth/budget/devices";
import { type Refusal, type SignInCaller, pauseTokenCalls, recordFailedExchange, takeTokenCall } from "@/lib/auth/budget/token-budget";
import { discoveredAlready } from "@/lib/auth/uniauth/discovery";
import { describeFailure } from "@/lib/auth/uniauth/failure";
import { TOO_MANY_ATTEMPTS, UNIAUTH_BUSY } from "@/lib/auth/core/error-pages";
import { isConnectionFailure } from "@/lib/database-errors";

/** How long any call to UniAuth may take: a sign-in that waits longer is told UniAuth is unavailable. */
const UNIAUTH_TIMEOUT_MS = 5000;
/** When UniAuth says 429 without a Retry-After, every instance leaves its token endpoint alone this long. */
export const RATE_LIMIT_PAUSE_MS = 5 * 60_000;
const MAX_PAUSE_MS = 60 * 60_000;

interface Watch {
  /** UniAuth did not answer (refused, timed out) or answered with a 5xx. */
  failed: boolean;
  /** No token call could be made (the budget) or UniAuth answered 429: retry after this many milliseconds. */
  busyForMs?: number;
  /** The budget refused because the client's address failed too many code exchanges. */
  limited?: boolean;
  /** The budget could not be asked: the database is unreachable (so no sign-in could be written either). */
  databaseDown?: boolean;
}

const watched = new AsyncLocalStorage<Watch>();

/**
 * The fetch Auth.js uses for its own calls to UniAuth (the code exchange, userinfo, discovery when ours failed):
 * with the timeout Auth.js does not set, and noting for `watchUniAuth` when UniAuth did not answer or failed. The
 * code exchange is a token call: it is taken from the app's budget first (lib/auth/budget), in the share of the
 * browser signing in (a known device's, or the open pool), and a 429 pauses every instance's token calls. When the
 * budget says no, no call is made and Auth.js gets UniAuth's own answer to one call too many: 429.
 */
export async function uniauthFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const calls = watched.getStore();
  const caller = isTokenCall(input, init) ? await budgetedCaller(calls) : undefined;
  if (caller === null) return Response.json({ error: "temporarily_unavailable" }, { status: 429 });
  const timeout = AbortSignal.timeout(UNIAUTH_TIMEOUT_MS);
  try {
    const response = await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
    if (response.status >= 500 && calls) calls.failed = true;
    if (response.status === 429 && caller) {
      const pause = retryAfterMs(response.headers.get("retry-after")) ?? RATE_LIMIT_PAUSE_MS;
      await pauseTokenCalls(pause);
      if (calls) calls.busyForMs = pause;
    }
    // A code UniAuth refused (invalid_grant and the like): from an unknown device, it counts against its address.
    if (response.status >= 400 && response.status < 500 && response.status !== 429 && caller) {
      await recordFailedExchange(caller).catch((error: unknown) => console.error("A failed code exchange could not be counted:", describeFailure(error)));
    }
    return response;
  } catch (error) {
    if (calls) calls.failed = true;
    throw error;
  }
}

/**
 * Takes the code exchange's call from the budget: the caller it was counted for, or null when the budget refused
 * (noted for `watchUniAuth`). A database that cannot be reached refuses too (the sign-in could not be written
 * anyway); a budget that is only slow to answer does not stop a sign-in, which goes ahead uncounted.
 */
async function budgetedCaller(calls: Watch | undefined): Promise<SignInCaller | null | undefined> {
  let caller: SignInCaller | undefined;
  let refusal: Refusal | null;
  try {
    caller = await signInCaller();
    refusal = await takeTokenCall({ for: "sign-in", caller });
  } catch (error) {
    if (isConnectionFailure(error)) {
      if (calls) calls.databaseDown = true;
      return null;
    }
    console.error("The token budget could not be asked; the code exchange goes ahead uncounted:", describeFailure(error));
    return caller;
  }
  if (!refusal) return caller;
  if (calls) {
    calls.busyForMs = refusal.retryAfterMs;
    calls.limited = refusal.why === "limited";
  }
  return null;
}

/** Runs `work` and tells whether a `uniauthFetch` call within it found UniAuth unreachable, failing, or busy. */
export async function watchUniAuth<T>(work: () => Promise<T>): Promise<{ result: T; calls: Readonly<Watch> }> {
  const calls: Watch = { failed: false };
  const result = await watched.run(calls, work);
  return { result, calls };
}

/** Why, in this request so far, a token call was not made or was refused by UniAuth's rate limit, if it was. */
export function tokenCallRefused(): typeof UNIAUTH_BUSY | typeof TOO_MANY_ATTEMPTS | null {
  const calls = watched.getStore();
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
