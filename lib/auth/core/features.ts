import type { NextRequest } from "next/server";
import type { AuthEvent } from "@/lib/auth/core/events";
import type { UniAuthClaims } from "@/lib/auth/core/uniauth/claims";
import type { ActiveSession } from "@/lib/auth/core/session/store";
import type { GrantTokens } from "@/lib/auth/core/session/sign-in";

export type AuthRouteHandler = (request: NextRequest) => Promise<Response>;

/** A token call UniAuth rate-limits: a sign-in's code exchange, or a session's refresh. */
export type TokenCall = { for: "sign-in" } | { for: "refresh"; sessionId: string };

/** Why a sign-in cannot go ahead (a base/error-pages.ts code); only the HTTP edge makes it a page (`refusalPath`). */
export interface Refusal { error: string; retryAfterMs?: number; callbackUrl?: string }

/** Why a token call is not made; `queued`: a refresh that other sessions are ahead of. */
export interface TokenCallRefusal extends Refusal { queued?: boolean }

/** A token call a feature let through: told how it went once UniAuth answered (`codeRefused`: `invalid_grant` and the like). */
export interface TokenCallTicket { settle(codeRefused: boolean): Promise<void> }

/** An optional feature's hooks, called in the order of lib/auth/installed.ts: the core never imports a feature. */
export interface AuthFeature {
  readonly name: string;
  /** Wraps Auth.js's route handler (the first installed feature's wrapper is the outermost). */
  authRoute?(handler: AuthRouteHandler): AuthRouteHandler;
  /** A sign-in (or step-up) about to be sent to UniAuth: why it must not go, or null to go ahead. */
  signInStart?(): Promise<Refusal | null>;
  /** A token call about to be made: a refusal, or a ticket to settle once UniAuth has answered. Throwing refuses it. */
  tokenCall?(call: TokenCall): Promise<TokenCallRefusal | TokenCallTicket>;
  /** UniAuth answered a token call with 429: no token call for `pauseMs`. */
  rateLimited?(pauseMs: number): Promise<void>;
  /** Whether this instance should not even try a refresh now (say, the refresh share is spent). */
  refreshesWait?(): boolean;
  /** A refresh was queued behind others: the id of the session to refresh first instead, if any. */
  firstToRefresh?(): Promise<string | null>;
  /** UniAuth's answer to a sign-in, before anything is written: why it does not count, or null. */
  signInRefusal?(claims: UniAuthClaims): Promise<Refusal | null>;
  /** The core refused a sign-in (an unverified email, say): whatever the feature began for it is over. */
  signInRefused?(): Promise<void>;
  /** A sign-in this feature completes itself (a step-up renews the session the browser holds): its session, or null. */
  completeSignIn?(claims: UniAuthClaims, tokens: GrantTokens): Promise<ActiveSession | null>;
  /** After a sign-in wrote its session (not one a feature completed). */
  signedIn?(session: ActiveSession): Promise<void>;
  /** An auth event, already logged: stored, say. Must not throw. */
  recordEvent?(event: AuthEvent): Promise<void>;
  /** Deletes the feature's rows that are no longer needed; the counts by kind. */
  prune?(now: Date): Promise<Record<string, number>>;
}

let installed: readonly AuthFeature[] | undefined;

/** Called once, by lib/auth/installed.ts. */
export function installFeatures(features: readonly AuthFeature[]): void {
  installed = features;
}

/** Entry points import lib/auth/installed.ts first; reaching the core another way would skip, say, the token budget. */
export function features(): readonly AuthFeature[] {
  if (!installed) throw new Error("The auth features are not installed: import @/lib/auth (or another entry point), not a module under lib/auth/core.");
  return installed;
}

export function hooks<K extends keyof AuthFeature>(hook: K): NonNullable<AuthFeature[K]>[] {
  return features().flatMap((feature) => (feature[hook] ? [(feature[hook] as (...args: never[]) => unknown).bind(feature) as NonNullable<AuthFeature[K]>] : []));
}
