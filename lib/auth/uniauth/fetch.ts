import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { pauseTokenCalls, takeTokenCall } from "@/lib/auth/budget/token-budget";
import { discoveredAlready } from "@/lib/auth/uniauth/discovery";
import { describeFailure } from "@/lib/auth/uniauth/failure";
import { UNIAUTH_TIMEOUT_MS } from "@/lib/auth/uniauth/timeouts";

/** When UniAuth says 429 without a Retry-After, every instance leaves its token endpoint alone this long. */
export const RATE_LIMIT_PAUSE_MS = 5 * 60_000;
const MAX_PAUSE_MS = 60 * 60_000;

interface Watch {
  /** UniAuth did not answer (refused, timed out) or answered with a 5xx. */
  failed: boolean;
  /** No token call could be made (the budget) or UniAuth answered 429: retry after this many milliseconds. */
  busyForMs?: number;
}

const watched = new AsyncLocalStorage<Watch>();

/**
 * The fetch Auth.js uses for its own calls to UniAuth (the code exchange, userinfo, discovery when ours failed):
 * with the timeout Auth.js does not set, and noting for `watchUniAuth` when UniAuth did not answer or failed. The
 * code exchange is a token call: it is taken from the app's budget first (lib/auth/budget), which a sign-in may
 * spend to the last call, and a 429 pauses every instance's token calls. When the budget is spent, no call is made
 * and Auth.js gets UniAuth's own answer to one call too many: 429.
 */
export async function uniauthFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const calls = watched.getStore();
  const tokenCall = isTokenCall(input, init);
  if (tokenCall) {
    // Fails open: a budget that cannot be asked (the database slow or down) does not stop a sign-in, which then
    // stands or falls with its own writes.
    const refusal = await takeTokenCall({ for: "sign-in" }).catch((error: unknown) => {
      console.error("The token budget could not be asked; the code exchange goes ahead uncounted:", describeFailure(error));
      return null;
    });
    if (refusal) {
      if (calls) calls.busyForMs = refusal.retryAfterMs;
      return Response.json({ error: "temporarily_unavailable" }, { status: 429 });
    }
  }
  const timeout = AbortSignal.timeout(UNIAUTH_TIMEOUT_MS);
  try {
    const response = await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
    if (response.status >= 500 && calls) calls.failed = true;
    if (response.status === 429 && tokenCall) {
      const pause = retryAfterMs(response.headers.get("retry-after")) ?? RATE_LIMIT_PAUSE_MS;
      await pauseTokenCalls(pause);
      if (calls) calls.busyForMs = pause;
    }
    return response;
  } catch (error) {
    if (calls) calls.failed = true;
    throw error;
  }
}

/** Runs `work` and tells whether a `uniauthFetch` call within it found UniAuth unreachable, failing, or busy. */
export async function watchUniAuth<T>(work: () => Promise<T>): Promise<{ result: T; uniauthFailed: boolean; busyForMs?: number }> {
  const calls: Watch = { failed: false };
  const result = await watched.run(calls, work);
  return { result, uniauthFailed: calls.failed, busyForMs: calls.busyForMs };
}

/** Whether, in this request so far, a token call met UniAuth's rate limit or the app's budget. */
export const uniauthBusy = (): boolean => watched.getStore()?.busyForMs !== undefined;

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
