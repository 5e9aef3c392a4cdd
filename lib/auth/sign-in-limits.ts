import "server-only";
import type { NextRequest } from "next/server";
import { recordAuthEvent } from "@/lib/auth/audit/trail";
import { admitSignInStep, firstUseOfState } from "@/lib/auth/budget/sign-in-attempts";
import { SIGN_IN_REPLAYED, TOO_MANY_ATTEMPTS, authErrorPath } from "@/lib/auth/core/error-pages";
import { UNIAUTH_PROVIDER_ID } from "@/lib/auth/uniauth/provider";
import { clientIp } from "@/lib/http/client-ip";

type Handler = (request: NextRequest) => Promise<Response>;

/**
 * Where a sign-in start (or, with "callback", a return from UniAuth) from this client must go instead, or null: the
 * client's IP has made too many in the window (lib/auth/budget/sign-in-attempts.ts). Checked before anything is asked
 * of UniAuth.
 */
export async function tooManySignInAttempts(step: "start" | "callback" = "start"): Promise<string | null> {
  const limited = await admitSignInStep(step, await clientIp());
  if (!limited) return null;
  await recordAuthEvent({ event: "signin.refused", reason: TOO_MANY_ATTEMPTS });
  return authErrorPath(TOO_MANY_ATTEMPTS, limited.retryAfterMs / 1000);
}

/**
 * Auth.js's route handler, with sign-in starts and callbacks limited per client IP, and each callback's `state`
 * used once, on every instance: so no one can spend UniAuth's token budget by replaying a callback, or by starting
 * and answering sign-ins in bulk from one address. All of it before the request reaches Auth.js, which is what
 * calls UniAuth; a refused request changes nothing but its own count.
 */
export function withSignInLimits(handler: Handler): Handler {
  return async (request) => {
    const step = signInStep(request);
    if (!step) return handler(request);
    // UniAuth answers in the query (the provider asks for no response_mode=form_post): a POSTed callback, whose state
    // Auth.js would read from the body, past the single-use check below, is never UniAuth's.
    if (step === "callback" && request.method !== "GET") return new Response(null, { status: 405, headers: { Allow: "GET" } });
    const refused = step === "start" ? await tooManySignInAttempts() : await callbackRefused(request);
    return refused ? new Response(null, { status: 303, headers: { Location: refused, "Cache-Control": "no-store" } }) : handler(request);
  };
}

async function callbackRefused(request: NextRequest): Promise<string | null> {
  const limited = await tooManySignInAttempts("callback");
  if (limited) return limited;
  // Without a state Auth.js refuses the callback itself, before any call to UniAuth.
  const state = request.nextUrl.searchParams.get("state");
  if (!state || (await firstUseOfState(state))) return null;
  await recordAuthEvent({ event: "signin.refused", reason: SIGN_IN_REPLAYED });
  return authErrorPath(SIGN_IN_REPLAYED);
}

function signInStep(request: NextRequest): "start" | "callback" | null {
  const { pathname } = request.nextUrl;
  if (request.method === "POST" && pathname.endsWith(`/signin/${UNIAUTH_PROVIDER_ID}`)) return "start";
  return pathname.endsWith(`/callback/${UNIAUTH_PROVIDER_ID}`) ? "callback" : null;
}
