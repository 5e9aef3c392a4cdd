import "server-only";
import { type TokenCall, type TokenCallRefusal, type TokenCallTicket, hooks } from "@/lib/auth/core/features";

/**
 * Asks each installed feature whether a token call may be made (the token budget decides; without it, every call
 * may): the tickets to settle once UniAuth has answered, or the first refusal. Throws what a feature threw.
 */
export async function admitTokenCall(call: TokenCall): Promise<TokenCallRefusal | TokenCallTicket[]> {
  const tickets: TokenCallTicket[] = [];
  for (const tokenCall of hooks("tokenCall")) {
    const answer = await tokenCall(call);
    if ("error" in answer) {
      await settleTokenCall(tickets, false);
      return answer;
    }
    tickets.push(answer);
  }
  return tickets;
}

/** Tells the features that admitted a call how it went (`codeRefused`: UniAuth refused the code itself). */
export async function settleTokenCall(tickets: readonly TokenCallTicket[], codeRefused: boolean): Promise<void> {
  for (const ticket of tickets) await ticket.settle(codeRefused);
}

/** When UniAuth says 429 without a Retry-After, every instance leaves its token endpoint alone this long. */
const RATE_LIMIT_PAUSE_MS = 5 * 60_000;
const MAX_PAUSE_MS = 60 * 60_000;

/**
 * UniAuth answered a token call with 429: the features that pace token calls pause them for its Retry-After (seconds
 * or an HTTP date; at most an hour), or RATE_LIMIT_PAUSE_MS without one. The pause, in milliseconds.
 */
export async function tokenCallsRateLimited(response: Response): Promise<number> {
  const header = response.headers.get("retry-after") ?? "";
  const ms = /^\d+$/.test(header) ? Number(header) * 1000 : Date.parse(header) - Date.now();
  const pauseMs = Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_PAUSE_MS) : RATE_LIMIT_PAUSE_MS;
  for (const rateLimited of hooks("rateLimited")) await rateLimited(pauseMs);
  return pauseMs;
}
