import type { TokenDecryptionError } from "@/lib/auth/token-crypto";

/**
 * The auth events operators see: one JSON line each on stdout. Fields are ids, counts and short reasons
 * only; none takes an object, so a token, code, secret, cookie or email has no field to land in.
 * (A user id identifies the person; the email is personal data. UniAuth's `sid` is left out too: while
 * front-channel logout is on, it is enough to end a session.)
 */
export type AuthEvent =
  | { event: "signin.accepted"; userId: string; sessionId: string; acr?: string; amr?: readonly string[] }
  | { event: "signin.refused"; reason: SignInRefusal }
  | { event: "signout"; userId: string; sessionId: string }
  | { event: "logout.backchannel"; userId?: string; sessionsEnded: number }
  | { event: "logout.backchannel.rejected"; reason: string }
  | { event: "logout.frontchannel"; sessionsEnded: number }
  | { event: "refresh.ended"; userId: string; sessionId: string; reason: RefreshEndReason }
  | { event: "refresh.backed_off"; userId: string; sessionId: string; reason: string; delayMs: number }
  | { event: "sessions.ended_by_admin"; actorUserId: string; userId: string; sessionsEnded: number }
  | { event: "sessions.ended_by_user"; userId: string; sessionId: string; sessionsEnded: number };

/** Why a sign-in was refused: the app's own checks, or the type of the Auth.js error that stopped it. */
export type SignInRefusal = "InvalidClaims" | "EmailUnverified" | "AccountConflict" | (string & {});

export type RefreshEndReason =
  | "invalid_grant"
  | "another_subject"
  | "unreadable_response"
  | `undecryptable_refresh_token: ${TokenDecryptionError["reason"]}`;

/** Reasons may quote what a caller sent (a logout token's `typ`, say): keep a line a line. */
const MAX_TEXT = 200;

/**
 * Writes one auth event as one JSON line on stdout. Never throws: logging an event must not fail the request
 * it describes. Each event has a single call site, where the request has done what the event says.
 */
export function logAuthEvent(event: AuthEvent): void {
  try {
    const fields = Object.entries(event).map(([key, value]) => [key, typeof value === "string" ? value.slice(0, MAX_TEXT) : value]);
    const { event: name, ...rest } = Object.fromEntries(fields) as Record<string, unknown>;
    console.log(JSON.stringify({ event: name, at: new Date().toISOString(), ...rest }));
  } catch {
    // Nothing sensible to do: stdout itself failed.
  }
}
