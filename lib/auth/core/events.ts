import type { SignInRefusal, StepUpRefusal } from "@/lib/auth/core/base/error-pages";
import type { TokenDecryptionReason } from "@/lib/auth/core/base/types";
import { hooks } from "@/lib/auth/core/features";

/** Ids, counts, short reasons: never a token, code, secret, cookie, email, or `sid` (a front-channel logout key). */
export type AuthEvent =
  | { event: "signin.accepted"; userId: string; sessionId: string; acr?: string; amr?: readonly string[] }
  | { event: "signin.refused"; reason: SignInRefusal }
  | { event: "signout"; userId: string; sessionId: string }
  | { event: "logout.backchannel"; userId?: string; sessionsEnded: number }
  | { event: "logout.backchannel.rejected"; reason: string }
  | { event: "logout.frontchannel"; sessionsEnded: number }
  | { event: "refresh.ended"; userId: string; sessionId: string; reason: RefreshEndReason }
  | { event: "refresh.backed_off"; userId: string; sessionId: string; reason: string; delayMs: number }
  | { event: "sessions.ended_by_admin"; actorUserId: string; userId: string; sessionsEnded: number; devicesForgotten?: number }
  | { event: "sessions.ended_by_user"; userId: string; sessionId: string; sessionsEnded: number }
  | { event: "stepup.required"; userId: string; sessionId: string }
  | { event: "stepup.accepted"; userId: string; sessionId: string; acr?: string; amr?: readonly string[] }
  | { event: "stepup.refused"; userId: string; sessionId: string; reason: StepUpRefusal }
  /** Over the trail's cap for `kind` from one source in a minute: logged, not stored (one row keeps the count). */
  | { event: "audit.dropped"; kind: AuthEventKind; source: string; minute: string; count: number };

export type AuthEventKind = AuthEvent["event"];

/** Every kind, in order, for the audit trail's filter: a `Record`, so a kind missing here fails the type check. */
export const AUTH_EVENT_KINDS = Object.keys({
  "signin.accepted": true, "signin.refused": true, signout: true,
  "logout.backchannel": true, "logout.backchannel.rejected": true, "logout.frontchannel": true,
  "refresh.ended": true, "refresh.backed_off": true, "sessions.ended_by_admin": true, "sessions.ended_by_user": true,
  "stepup.required": true, "stepup.accepted": true, "stepup.refused": true, "audit.dropped": true,
} satisfies Record<AuthEventKind, true>) as [AuthEventKind, ...AuthEventKind[]];

/** What anyone can cause without signing in (a forged callback, a bad logout token). */
export const UNAUTHENTICATED_KINDS: ReadonlySet<AuthEventKind> = new Set(["signin.refused", "logout.backchannel.rejected", "logout.frontchannel"]);

export type RefreshEndReason =
  | "invalid_grant"
  | "another_subject"
  | "unreadable_response"
  | `undecryptable_refresh_token: ${TokenDecryptionReason}`;

/** Reasons may quote what a caller sent (a logout token's `typ`, say): keep a line a line. */
const MAX_TEXT = 200;

export function eventFields(event: AuthEvent): { event: AuthEventKind } & Record<string, unknown> {
  const fields = Object.entries(event)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => [key, typeof value === "string" ? value.slice(0, MAX_TEXT) : value]);
  return Object.fromEntries(fields) as { event: AuthEventKind } & Record<string, unknown>;
}

/** One JSON line on stdout. Never throws: logging an event must not fail the request it describes. */
export function logAuthEvent(event: AuthEvent): void {
  try {
    const { event: name, ...rest } = eventFields(event);
    // Straight to stdout, not through console.log: Next.js dims (wraps in ANSI codes) what console prints after a render
    // has finished, as a refresh run by `after()` does, and a log drain filtering JSON lines would miss those.
    process.stdout.write(`${JSON.stringify({ event: name, at: new Date().toISOString(), ...rest })}\n`);
  } catch {
    // Nothing sensible to do: stdout itself failed.
  }
}

/** Logs, then hands it to the features that keep events; never throws. One call site per event, once it happened. */
export async function recordAuthEvent(event: AuthEvent): Promise<void> {
  logAuthEvent(event);
  for (const recordEvent of hooks("recordEvent")) await recordEvent(event);
}
