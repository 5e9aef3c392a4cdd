import "server-only";
import { SIGN_IN_REPLAYED, TOO_MANY_ATTEMPTS, UNIAUTH_BUSY } from "@/lib/auth/core/base/error-pages";
import type { AuthFeature, TokenCall, TokenCallRefusal, TokenCallTicket } from "@/lib/auth/core/features";
import { describeFailure } from "@/lib/auth/core/uniauth/failure";
import { rememberDevice, signInCaller } from "@/lib/auth/features/token-budget/devices";
import { callbackState, firstUseOfState } from "@/lib/auth/features/token-budget/sign-in-attempts";
import { withSignInLimits } from "@/lib/auth/features/token-budget/sign-in-limits";
import { type Refusal, firstInQueue, pauseTokenCalls, settleExchange, signInsRefused, takeTokenCall } from "@/lib/auth/features/token-budget/token-budget";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

/** At most one "refreshes deferred" log line per instance this often. */
const DEFERRED_LOG_EVERY_MS = 60_000;

/** Until then this instance does not even ask the budget for a refresh: UniAuth paused it, or the refresh share is spent. */
let refreshesWaitUntil = 0;
let deferred = { since: 0, count: 0 };

const errorOf = (refusal: Refusal) => (refusal.why === "limited" ? TOO_MANY_ATTEMPTS : UNIAUTH_BUSY);

/**
 * The token budget (UniAuth's token-call rate limit, shared out so strangers cannot take what others need) with the
 * sign-in limits: single-use callback states, failed-exchange limits per address and device, known devices.
 */
export const feature: AuthFeature = {
  name: "token-budget",
  authRoute: withSignInLimits,
  async signInStart() {
    const refused = await signInsRefused(await signInCaller());
    return refused && { error: errorOf(refused), retryAfterMs: refused.retryAfterMs };
  },
  tokenCall: (call) => (call.for === "sign-in" ? admitExchange() : admitRefresh(call)),
  async rateLimited(pauseMs) {
    refreshesWaitUntil = Date.now() + pauseMs;
    await pauseTokenCalls(pauseMs);
  },
  refreshesWait: () => Date.now() < refreshesWaitUntil,
  firstToRefresh: firstInQueue,
  async signedIn(session) {
    // This browser is a known device of the user from now on: its next sign-in draws on their share of the budget.
    await rememberDevice(session.user.id).catch((error: unknown) => console.error("The device could not be remembered:", describeFailure(error)));
  },
  async prune(now) {
    const [signInStates, rateEvents, knownDevices] = await db.$transaction([
      db.usedSignInState.deleteMany({ where: { expiresAt: { lte: now } } }),
      // A minute past the window: the budget counts a margin past it, in the database's clock (window.ts).
      db.rateEvent.deleteMany({ where: { at: { lte: new Date(now.getTime() - env.UNIAUTH_RATE_WINDOW_SECONDS * 1000 - 60_000) } } }),
      db.knownDevice.deleteMany({ where: { expiresAt: { lte: now } } }),
    ]);
    return { signInStates: signInStates.count, rateEvents: rateEvents.count, knownDevices: knownDevices.count };
  },
};

/** A code exchange: its callback's `state` must be new, then it takes a call from the browser's share. */
async function admitExchange(): Promise<TokenCallRefusal | TokenCallTicket> {
  const state = callbackState();
  if (state && !(await firstUseOfState(state))) return { error: SIGN_IN_REPLAYED };
  const taken = await takeTokenCall({ for: "sign-in", caller: await signInCaller() });
  if ("why" in taken) return { error: errorOf(taken), retryAfterMs: taken.retryAfterMs };
  return { settle: (codeRefused) => settleExchange(taken, codeRefused) };
}

const settled: TokenCallTicket = { settle: async () => undefined };

/**
 * A refresh: from the refresh share, in queue order. When the budget says no, the session keeps its roles until a
 * later page view finds room; this instance stops asking while the share is spent (or UniAuth paused it), and says
 * so in one structured line a minute.
 */
async function admitRefresh(call: Extract<TokenCall, { for: "refresh" }>): Promise<TokenCallRefusal | TokenCallTicket> {
  const taken = await takeTokenCall(call);
  if (!("why" in taken)) return settled;
  if (taken.why !== "queued") refreshesWaitUntil = Date.now() + Math.max(taken.retryAfterMs, 1000);
  const now = Date.now();
  deferred.count++;
  if (now - deferred.since >= DEFERRED_LOG_EVERY_MS) {
    console.warn(JSON.stringify({ event: "refresh.deferred", why: taken.why, retryAfterSeconds: Math.ceil(taken.retryAfterMs / 1000), deferredSinceLastLine: deferred.count }));
    deferred = { since: now, count: 0 };
  }
  return { error: UNIAUTH_BUSY, retryAfterMs: taken.retryAfterMs, queued: taken.why === "queued" };
}
