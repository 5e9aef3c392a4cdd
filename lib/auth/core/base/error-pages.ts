import { AUTH_ERROR_PATH, DATABASE_UNAVAILABLE_PATH } from "@/lib/auth/core/base/paths";

/** The sign-in error codes: the `error` of the auth error page (app/auth/error), each with its words there. */

/** UniAuth cannot be reached, or failed, during a sign-in. */
export const UNIAUTH_UNAVAILABLE = "UniAuthUnavailable";
/** The app's database is unreachable: no sign-in could be written (its own page, app/unavailable). */
export const DATABASE_UNAVAILABLE = "DatabaseUnavailable";
/** UniAuth's rate limit (or this browser's share of it) leaves no token call for a sign-in now. */
export const UNIAUTH_BUSY = "UniAuthBusy";
/** Unknown devices at this client address failed too many code exchanges in the window. */
export const TOO_MANY_ATTEMPTS = "TooManyAttempts";
/** A callback came back with a `state` already used: a replay, or the browser's back button. */
export const SIGN_IN_REPLAYED = "SignInReplayed";

/** Why the app refused a sign-in itself, or the type of the Auth.js error that stopped it. */
export type SignInRefusal = "InvalidClaims" | "EmailUnverified" | "AccountConflict" | (string & {});

/** Why a step-up (a fresh UniAuth sign-in for a sensitive action) did not count. */
export type StepUpRefusal = "AnotherAccount" | "AuthTimeMissing" | "AuthTimeStale" | "AcrNotMet";

/** The sign-in error pages that are not the user's doing, with the status they answer (see middleware.ts). */
const STATUS: Record<string, number> = { [UNIAUTH_UNAVAILABLE]: 503, [UNIAUTH_BUSY]: 503, [TOO_MANY_ATTEMPTS]: 429 };
/** What a Retry-After may say, in seconds: an hour at most, whatever the query string asks. */
const MAX_RETRY_AFTER_SECONDS = 3600;

export function refusalPath({ error, retryAfterMs, callbackUrl }: { error: string; retryAfterMs?: number; callbackUrl?: string }): string {
  if (error === DATABASE_UNAVAILABLE) return DATABASE_UNAVAILABLE_PATH;
  const query = new URLSearchParams({ error });
  if (retryAfterMs) query.set("retryAfter", String(clampRetryAfter(retryAfterMs / 1000)));
  if (callbackUrl) query.set("callbackUrl", callbackUrl);
  return `${AUTH_ERROR_PATH}?${query}`;
}

/** The middleware sets it, as a page cannot set its own status: browsers and monitors alike see the outage or limit. */
export function authErrorStatus(searchParams: URLSearchParams, defaultRetryAfterSeconds: number): { status: number; retryAfterSeconds: number } | null {
  const error = searchParams.get("error") ?? "";
  if (!Object.hasOwn(STATUS, error)) return null;
  return { status: STATUS[error]!, retryAfterSeconds: retryAfterOf(searchParams.get("retryAfter")) ?? defaultRetryAfterSeconds };
}

/** A `retryAfter` query value as whole seconds (clamped): both the status and the page's words use it. */
export function retryAfterOf(value: unknown): number | null {
  return typeof value === "string" && /^[1-9]\d{0,8}$/.test(value) ? clampRetryAfter(Number(value)) : null;
}

const clampRetryAfter = (seconds: number) => Math.min(Math.max(Math.ceil(seconds), 1), MAX_RETRY_AFTER_SECONDS);
