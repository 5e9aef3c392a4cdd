import "server-only";
import { type TokenCall, type TokenCallRefusal, type TokenCallTicket, hooks } from "@/lib/auth/core/features";

/** Without the token budget every call may go: the tickets to settle once UniAuth answered, or the first refusal. */
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

export async function settleTokenCall(tickets: readonly TokenCallTicket[], codeRefused: boolean): Promise<void> {
  for (const ticket of tickets) await ticket.settle(codeRefused);
}

/** When UniAuth says 429 without a Retry-After, every instance leaves its token endpoint alone this long. */
const RATE_LIMIT_PAUSE_MS = 5 * 60_000;
const MAX_PAUSE_MS = 60 * 60_000;

/** Pauses token calls for the Retry-After (seconds or an HTTP date, at most an hour); returns the pause in ms. */
export async function tokenCallsRateLimited(response: Response): Promise<number> {
  const header = response.headers.get("retry-after") ?? "";
  const ms = /^\d+$/.test(header) ? Number(header) * 1000 : Date.parse(header) - Date.now();
  const pauseMs = Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_PAUSE_MS) : RATE_LIMIT_PAUSE_MS;
  for (const rateLimited of hooks("rateLimited")) await rateLimited(pauseMs);
  return pauseMs;
}
