import type { StepUpRefusal } from "@/lib/auth/core/base/error-pages";

/** What a sensitive action asks of the user's last UniAuth sign-in (STEP_UP_MAX_AGE_SECONDS, STEP_UP_ACR). */
export interface StepUpPolicy {
  maxAgeSeconds: number;
  /** Any one of these `acr` values will do; none listed: any way of signing in. */
  acr?: readonly string[];
}

/** When and how the user last signed in at UniAuth, from the ID token (null: UniAuth did not say). */
export interface AuthContext {
  authTime: Date | null;
  acr: string | null;
}

/** UniAuth's clock and ours may disagree a little; oauth4webapi allows the same 30 s for an ID token's times. */
const CLOCK_SKEW_MS = 30_000;

const acrAllowed = (policy: StepUpPolicy, acr: string | null | undefined) => !policy.acr || (!!acr && policy.acr.includes(acr));

/** Until when the sign-in allows sensitive actions; null when it does not (too old, unknown, or the wrong acr). */
export function recentUntil(context: AuthContext, policy: StepUpPolicy, now = Date.now()): Date | null {
  if (!context.authTime || !acrAllowed(policy, context.acr)) return null;
  const until = context.authTime.getTime() + policy.maxAgeSeconds * 1000;
  return until > now ? new Date(until) : null;
}

/**
 * Why the ID token a step-up brought back does not prove a fresh sign-in, or null. The step-up asked UniAuth for
 * `max_age=0`, so `auth_time` must be there and no earlier than the moment the step-up began; and the acr must
 * be one the policy asks for. Checked here, not assumed: Auth.js does not check either.
 */
export function stepUpClaimsRefusal(
  claims: { auth_time?: number; acr?: string },
  startedAt: number,
  policy: StepUpPolicy,
  now = Date.now(),
): StepUpRefusal | null {
  if (claims.auth_time === undefined) return "AuthTimeMissing";
  const authTime = claims.auth_time * 1000;
  if (authTime < startedAt - CLOCK_SKEW_MS || authTime > now + CLOCK_SKEW_MS) return "AuthTimeStale";
  if (!acrAllowed(policy, claims.acr)) return "AcrNotMet";
  return null;
}
