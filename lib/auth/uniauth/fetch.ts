import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";

/** How long any call to UniAuth may take: a sign-in that waits longer is told UniAuth is unavailable. */
export const UNIAUTH_TIMEOUT_MS = 5000;
/**
 * Before a sign-in (the check at the click, discovery), UniAuth counts as down only when silent this long: a provider
 * under load may take several seconds and still sign the user in, and slow is not down.
 */
export const UNIAUTH_DOWN_AFTER_MS = 10_000;

const watched = new AsyncLocalStorage<{ failed: boolean }>();

/**
 * The fetch Auth.js uses for its own calls to UniAuth (the code exchange, userinfo, discovery when ours failed):
 * with the timeout Auth.js does not set, and noting for `watchUniAuth` when UniAuth did not answer (refused,
 * timed out) or answered with a 5xx.
 */
export async function uniauthFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const timeout = AbortSignal.timeout(UNIAUTH_TIMEOUT_MS);
  const noteFailure = () => {
    const calls = watched.getStore();
    if (calls) calls.failed = true;
  };
  try {
    const response = await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
    if (response.status >= 500) noteFailure();
    return response;
  } catch (error) {
    noteFailure();
    throw error;
  }
}

/** Runs `work` and tells whether a `uniauthFetch` call within it found UniAuth unreachable or failing. */
export async function watchUniAuth<T>(work: () => Promise<T>): Promise<{ result: T; uniauthFailed: boolean }> {
  const calls = { failed: false };
  const result = await watched.run(calls, work);
  return { result, uniauthFailed: calls.failed };
}
