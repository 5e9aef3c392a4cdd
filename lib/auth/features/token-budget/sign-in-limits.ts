import "server-only";
import type { NextRequest } from "next/server";
import { withCallbackState } from "@/lib/auth/features/token-budget/sign-in-attempts";
import { UNIAUTH_PROVIDER_ID } from "@/lib/auth/core/uniauth/provider";
import { isConnectionFailure } from "@/lib/database-errors";
import { databaseUnavailable } from "@/lib/http/database-unavailable";

type Handler = (request: NextRequest) => Promise<Response>;

/**
 * Auth.js's route handler, guarded where a sign-in starts and where it comes back from UniAuth:
 * - a parameter given twice is refused (400) before anything reads it: one reader would take the first, another the
 *   last (`?state=junk&state=<real>` would pass the single-use check with a state Auth.js never checked);
 * - a callback's `state` goes with it to the code exchange, where it must be new (lib/auth/core/uniauth/fetch.ts);
 * - the database down: the outage page (503), and nothing is sent to UniAuth.
 * Whether a sign-in may spend UniAuth's budget, and a state's single use, are decided at the code exchange itself
 * (the tokenCall hook in lib/auth/features/token-budget/feature.ts), once Auth.js has checked the request (CSRF at
 * the start; state, PKCE and nonce cookies at the callback): a request Auth.js refuses writes nothing.
 */
export function withSignInLimits(handler: Handler): Handler {
  return async (request) => {
    const step = signInStep(request);
    if (!step) return handler(request);
    const repeated = await repeatedParameter(request);
    if (repeated) return new Response(`Bad request: the parameter "${repeated}" is given more than once.\n`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    // UniAuth answers in the query (the provider asks for no response_mode=form_post): a POSTed callback, whose state
    // Auth.js would read from the body, past the single-use check, is never UniAuth's.
    if (step === "callback" && request.method !== "GET") return new Response(null, { status: 405, headers: { Allow: "GET" } });
    const state = request.nextUrl.searchParams.get("state");
    try {
      return step === "callback" && state ? await withCallbackState(state, () => handler(request)) : await handler(request);
    } catch (error) {
      if (isConnectionFailure(error)) return databaseUnavailable();
      throw error;
    }
  };
}

/** The name of a parameter the request gives twice, in its query or its form body, if any. */
async function repeatedParameter(request: NextRequest): Promise<string | null> {
  const names = [...request.nextUrl.searchParams.keys()];
  if (request.headers.get("content-type")?.startsWith("application/x-www-form-urlencoded")) {
    names.push(...new URLSearchParams(await request.clone().text()).keys());
  }
  return names.find((name, index) => names.indexOf(name) !== index) ?? null;
}

function signInStep(request: NextRequest): "start" | "callback" | null {
  const { pathname } = request.nextUrl;
  if (request.method === "POST" && pathname.endsWith(`/signin/${UNIAUTH_PROVIDER_ID}`)) return "start";
  return pathname.endsWith(`/callback/${UNIAUTH_PROVIDER_ID}`) ? "callback" : null;
}
