import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import type { TokenCallRefusal, TokenCallTicket } from "@/lib/auth/core/features";
import { UNIAUTH_BUSY } from "@/lib/auth/core/base/error-pages";
import { discoveredAlready } from "@/lib/auth/core/uniauth/discovery";
import { describeFailure } from "@/lib/auth/core/uniauth/failure";
import { UNIAUTH_TIMEOUT_MS } from "@/lib/auth/core/uniauth/timeouts";
import { admitTokenCall, settleTokenCall, tokenCallsRateLimited } from "@/lib/auth/core/uniauth/token-calls";
import { isConnectionFailure } from "@/lib/database-errors";

/** A feature that could not answer (not the database being down): the sign-in is told to retry this much later. */
const UNANSWERED_RETRY_MS = 60_000;

export interface UniAuthCalls {
  /** UniAuth did not answer (refused, timed out) or answered with a 5xx. */
  failed: boolean;
  /** The code exchange was not made (a feature said no) or UniAuth answered 429: the error page and when to retry. */
  refused?: TokenCallRefusal;
  /** The code exchange was not made: the database is unreachable (so no sign-in could be written either). */
  databaseDown?: boolean;
}

const watched = new AsyncLocalStorage<UniAuthCalls>();

/**
 * For Auth.js's own calls to UniAuth: the timeout Auth.js does not set, and notes for `watchUniAuth`. A code exchange
 * the features refuse is not made: Auth.js gets UniAuth's own answer to one call too many, 429.
 */
export async function uniauthFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const calls = watched.getStore();
  const tokenCall = isTokenCall(input, init);
  const tickets = tokenCall ? await admitExchange(calls) : [];
  if (tickets === null) return Response.json({ error: "temporarily_unavailable" }, { status: 429 });
  const timeout = AbortSignal.timeout(UNIAUTH_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  } catch (error) {
    if (calls) calls.failed = true;
    await settle(tickets, false);
    throw error;
  }
  if (response.status >= 500 && calls) calls.failed = true;
  if (response.status === 429 && tokenCall) {
    const pause = await tokenCallsRateLimited(response);
    if (calls) calls.refused = { error: UNIAUTH_BUSY, retryAfterMs: pause };
  }
  // UniAuth refused the code itself (invalid_grant and the like): that counts against whoever sent it.
  await settle(tickets, response.status >= 400 && response.status < 500 && response.status !== 429);
  return response;
}

// Fails closed: an unreachable database sends the sign-in to the outage page (it could not be written anyway), any
// other failure to the busy page: an uncounted call could bring UniAuth's 429, stopping every instance's token calls.
async function admitExchange(calls: UniAuthCalls | undefined): Promise<TokenCallTicket[] | null> {
  const watch = calls ?? { failed: false };
  try {
    const admitted = await admitTokenCall({ for: "sign-in" });
    if (Array.isArray(admitted)) return admitted;
    watch.refused = admitted;
  } catch (error) {
    if (isConnectionFailure(error)) {
      console.error("The code exchange was not made: the database is unreachable.", describeFailure(error));
      watch.databaseDown = true;
    } else {
      console.error("The code exchange was not made: a feature could not admit it; the sign-in is told to retry:", describeFailure(error));
      watch.refused = { error: UNIAUTH_BUSY, retryAfterMs: UNANSWERED_RETRY_MS };
    }
  }
  return null;
}

async function settle(tickets: readonly TokenCallTicket[], codeRefused: boolean): Promise<void> {
  await settleTokenCall(tickets, codeRefused).catch((error: unknown) => console.error("A code exchange could not be settled:", describeFailure(error)));
}

export async function watchUniAuth<T>(work: () => Promise<T>): Promise<{ result: T; calls: Readonly<UniAuthCalls> }> {
  const calls: UniAuthCalls = { failed: false };
  const result = await watched.run(calls, work);
  return { result, calls };
}

export const uniauthCallsSoFar = (): Readonly<UniAuthCalls> | undefined => watched.getStore();

/** A call to UniAuth's token endpoint: ours, or one Auth.js discovered for itself (ours failed), by its grant. */
function isTokenCall(input: string | URL | Request, init: RequestInit | undefined): boolean {
  const endpoint = discoveredAlready()?.token_endpoint;
  const url = input instanceof Request ? input.url : String(input);
  return (!!endpoint && url.split("?")[0] === endpoint) || (init?.body instanceof URLSearchParams && init.body.has("grant_type"));
}
