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

/** UniAuth answered a token call with 429: the features that pace token calls pause them. */
export async function tokenCallsRateLimited(pauseMs: number): Promise<void> {
  for (const rateLimited of hooks("rateLimited")) await rateLimited(pauseMs);
}
