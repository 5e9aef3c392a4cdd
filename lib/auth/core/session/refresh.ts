import "server-only";
import * as oauth from "oauth4webapi";
import { z } from "zod";
import { groupsSchema, rolesFromGroups } from "@/lib/auth/core/uniauth/claims";
import { recordAuthEvent } from "@/lib/auth/core/events";
import type { RefreshEndReason } from "@/lib/auth/core/events";
import { UNIAUTH_PROVIDER_ID } from "@/lib/auth/core/uniauth/provider";
import { DEFAULT_ACCESS_TOKEN_SECONDS, type RefreshableSession, storedTokens } from "@/lib/auth/core/session/store";
import { TokenDecryptionError } from "@/lib/auth/core/session/token-crypto";
import { uniauthClient } from "@/lib/auth/core/uniauth/client";
import { describeFailure } from "@/lib/auth/core/uniauth/failure";
import { REFRESH_TIMEOUT_MS } from "@/lib/auth/core/uniauth/timeouts";
import { admitTokenCall, tokenCallsRateLimited } from "@/lib/auth/core/uniauth/token-calls";
import { hooks } from "@/lib/auth/core/features";
import { fetchUserinfo, withUserinfoClaims } from "@/lib/auth/core/uniauth/userinfo";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

/** How long one request may hold the right to refresh a session before another may try (outlasting REFRESH_TIMEOUT_MS). */
const LEASE_MS = 30_000;
/** After a failed refresh the session stays, and waits this long (doubling each time, up to an hour). */
const BACKOFF_MS = 60_000;
const MAX_BACKOFF_MS = 60 * 60_000;
let refreshing: Promise<void> | undefined;

// At a refresh only the subject and groups matter; a refreshed ID token may carry no profile claims.
const refreshedClaimsSchema = z.object({ sub: z.string(), groups: groupsSchema });

export function rolesDue(rolesReadAt: Date, isElevated: boolean, now = Date.now()): boolean {
  return now - rolesReadAt.getTime() >= (isElevated ? env.ROLES_MAX_AGE_SECONDS : env.MEMBER_ROLES_MAX_AGE_SECONDS) * 1000;
}

/** Roles due, nobody refreshing and not backing off: the row alone decides. */
export function needsRefresh(session: RefreshableSession, elevated: boolean, now = Date.now()): boolean {
  if (!session.refreshToken || [session.refreshLeaseUntil, session.refreshRetryAt].some((until) => until && until.getTime() > now)) return false;
  return rolesDue(session.rolesReadAt, elevated, now);
}

/** After a page view's response; a refresh needs only the row, so it may refresh one ahead in the queue instead. */
export function refreshDue(session: RefreshableSession): Promise<void> {
  // One at a time per instance: views of many due sessions would otherwise all queue on the budget's lock, holding
  // database connections. None while a feature says this instance should wait (the refresh share is spent).
  if (hooks("refreshesWait").some((wait) => wait())) return Promise.resolve();
  refreshing ??= refreshDueNow(session).finally(() => (refreshing = undefined));
  return refreshing;
}

async function refreshDueNow(session: RefreshableSession): Promise<void> {
  if ((await refreshSession(session)) !== "queued") return;
  for (const firstToRefresh of hooks("firstToRefresh")) {
    const first = await firstToRefresh();
    const row = first && (await db.session.findUnique({ where: { id: first } }));
    if (row) return void (await refreshSession(row));
  }
}

type Outcome = "refreshed" | "ended" | "skipped" | "deferred" | "queued";
/** The lease this request holds on a session row: every write after it is fenced by it (`where: lease`). */
type Lease = { readonly id: string; readonly refreshLeaseUntil: Date };
type Granted = { tokens: oauth.TokenEndpointResponse; issuer: string };

/**
 * Refreshes a session's tokens and re-syncs the user's groups and roles. UniAuth rotates refresh tokens and revokes the
 * whole family when a used one comes back, so exactly one request, on any instance, may refresh a session: it wins a
 * lease by compare-and-swap on the row (same refresh token, no live lease), and every later write is fenced by that
 * lease. "ended" (the row deleted): the refresh token does not decrypt with any configured secret, UniAuth said
 * `invalid_grant`, or the new tokens are unreadable or another subject's. Every write encrypts under the newest secret,
 * so rows under a rotated-out secret are rewritten at their next refresh (within about an hour of use): no migration
 * step holding AUTH_SECRET, and unused rows expire within 30 days (docs/how-it-works.md, "Rotating AUTH_SECRET").
 */
export async function refreshSession(session: RefreshableSession): Promise<Outcome> {
  const stored = session.refreshToken;
  if (!stored) return "skipped";
  let refreshToken: string;
  try {
    refreshToken = storedTokens.decrypt(session.id, "refreshToken", stored);
  } catch (error) {
    if (!(error instanceof TokenDecryptionError)) throw error;
    return endRefresh(session, `undecryptable_refresh_token: ${error.reason}`, { id: session.id });
  }
  const taken = await takeLease(session.id, stored);
  if (!taken) return "skipped";
  const lease = await admitRefresh(taken);
  if (typeof lease === "string") return lease;
  const granted = await callUniAuth(session, lease, refreshToken);
  if (typeof granted === "string") return granted;
  return persist(session, lease, granted, refreshToken);
}

/** Step 1: the lease, by compare-and-swap (same refresh token, no live lease, not backing off), or null. */
async function takeLease(id: string, stored: string): Promise<Lease | null> {
  const now = new Date();
  const lease = { id, refreshLeaseUntil: new Date(now.getTime() + LEASE_MS) };
  const { count } = await db.session.updateMany({
    where: { id, refreshToken: stored, AND: [{ OR: [{ refreshLeaseUntil: null }, { refreshLeaseUntil: { lt: now } }] }, { OR: [{ refreshRetryAt: null }, { refreshRetryAt: { lt: now } }] }] },
    data: { refreshLeaseUntil: lease.refreshLeaseUntil },
  });
  return count === 1 ? lease : null;
}

/** Step 2: the features admit the call. The budget's lock may have kept us waiting, so the lease starts again now. */
async function admitRefresh(lease: Lease): Promise<Lease | "queued" | "deferred" | "skipped"> {
  let admitted: Awaited<ReturnType<typeof admitTokenCall>> | undefined;
  try {
    admitted = await admitTokenCall({ for: "refresh", sessionId: lease.id });
  } finally {
    // Not admitted (refused, or a feature threw): the lease is given back.
    if (!Array.isArray(admitted)) await db.session.updateMany({ where: lease, data: { refreshLeaseUntil: null } });
  }
  if (!Array.isArray(admitted)) return admitted.queued ? "queued" : "deferred";
  const renewed = { id: lease.id, refreshLeaseUntil: new Date(Date.now() + LEASE_MS) };
  const { count } = await db.session.updateMany({ where: lease, data: { refreshLeaseUntil: renewed.refreshLeaseUntil } });
  return count === 1 ? renewed : "skipped";
}

/** Step 3: the refresh token grant: UniAuth's tokens, or how the refresh ended. */
async function callUniAuth(session: RefreshableSession, lease: Lease, refreshToken: string): Promise<Granted | Outcome> {
  let uniauth: Awaited<ReturnType<typeof uniauthClient>>;
  let response: Response;
  try {
    uniauth = await uniauthClient();
    response = await oauth.refreshTokenGrantRequest(uniauth.server, uniauth.client, uniauth.clientAuth, refreshToken, uniauth.options(REFRESH_TIMEOUT_MS));
  } catch (error) {
    return backOff(session, lease, describeFailure(error));
  }
  if (response.status === 429) return backOff(session, lease, "429 rate_limited", await tokenCallsRateLimited(response));
  const rotation = response.ok ? await keepRotatedToken(lease, response) : "not rotated";
  if (rotation === "unreadable") return endRefresh(session, "unreadable_response", lease);
  if (rotation === "lease lost") return "skipped";
  try {
    return { tokens: await oauth.processRefreshTokenResponse(uniauth.server, uniauth.client, response), issuer: uniauth.server.issuer };
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError && error.error === "invalid_grant") return endRefresh(session, "invalid_grant", lease);
    return backOff(session, lease, describeFailure(error));
  }
}

/** UniAuth answered 200, so the old refresh token is spent: the rotated one is stored first, retrying a failed write. */
async function keepRotatedToken(lease: Lease, response: Response): Promise<"kept" | "not rotated" | "unreadable" | "lease lost"> {
  const body = (await response.clone().json().catch(() => undefined)) as { refresh_token?: unknown } | undefined;
  if (!body) return "unreadable";
  if (typeof body.refresh_token !== "string") return "not rotated";
  const encrypted = storedTokens.encrypt(lease.id, "refreshToken", body.refresh_token);
  for (let attempt = 1; ; attempt++) {
    try {
      return (await db.session.updateMany({ where: lease, data: { refreshToken: encrypted } })).count === 1 ? "kept" : "lease lost";
    } catch (error) {
      if (attempt === 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** Step 4: in one transaction, the new tokens, the roles read now (the user's, unless UniAuth says none), no lease. */
async function persist(session: RefreshableSession, lease: Lease, { tokens, issuer }: Granted, usedRefreshToken: string): Promise<"refreshed" | "ended" | "skipped"> {
  const claims = await freshClaims(tokens, session.userId, issuer);
  if (claims === "another subject") return endRefresh(session, "another_subject", lease);
  await db.$transaction(async (tx) => {
    const written = await tx.session.updateMany({
      where: lease,
      data: {
        accessToken: storedTokens.encrypt(session.id, "accessToken", tokens.access_token),
        accessTokenExpiresAt: new Date(Date.now() + (tokens.expires_in ?? DEFAULT_ACCESS_TOKEN_SECONDS) * 1000),
        ...(await tokensToReencrypt(tx, lease, tokens, usedRefreshToken)),
        rolesReadAt: new Date(), refreshLeaseUntil: null, refreshRetryAt: null, refreshFailures: 0,
      },
    });
    if (written.count === 1 && claims) {
      await tx.user.update({ where: { id: session.userId }, data: { groups: claims.groups, ...rolesFromGroups(claims.groups) } });
    }
  });
  return "refreshed";
}

/** The lease given back, no refresh before `refreshRetryAt`: by default a minute, doubling per failure in a row, up to an hour. */
async function backOff(session: RefreshableSession, lease: Lease, reason: string, delayMs = Math.min(BACKOFF_MS * 2 ** session.refreshFailures, MAX_BACKOFF_MS)) {
  await db.session.updateMany({ where: lease, data: { refreshLeaseUntil: null, refreshRetryAt: new Date(Date.now() + delayMs), refreshFailures: { increment: 1 } } });
  await recordAuthEvent({ event: "refresh.backed_off", userId: session.userId, sessionId: session.id, reason, delayMs });
  return "skipped" as const;
}

/** Deletes the session row (once this request holds the lease, only while it does: a step-up may have renewed it). */
async function endRefresh(session: RefreshableSession, reason: RefreshEndReason, where: Lease | { id: string }): Promise<"ended" | "skipped"> {
  const { count } = await db.session.deleteMany({ where });
  if (count === 0) return "skipped";
  await recordAuthEvent({ event: "refresh.ended", userId: session.userId, sessionId: session.id, reason });
  return "ended";
}

/** The new ID token, and unreplaced tokens under an older secret re-encrypted; the lease makes us the only writer. */
async function tokensToReencrypt(tx: Pick<typeof db, "session">, lease: Lease, tokens: oauth.TokenEndpointResponse, usedRefreshToken: string) {
  const update: { idToken?: string | null; refreshToken?: string } = {};
  if (tokens.id_token) update.idToken = storedTokens.encrypt(lease.id, "idToken", tokens.id_token);
  // The usual case at UniAuth: both replaced (the rotated refresh token is stored already), nothing to read.
  if (tokens.id_token && typeof tokens.refresh_token === "string") return update;
  const row = await tx.session.findFirst({ where: lease, select: { idToken: true, refreshToken: true } });
  if (!tokens.id_token && row?.idToken && !storedTokens.isCurrent(row.idToken)) {
    try {
      update.idToken = storedTokens.encrypt(lease.id, "idToken", storedTokens.decrypt(lease.id, "idToken", row.idToken));
    } catch {
      // Unreadable, so useless as an id_token_hint: sign-out will go without one.
      update.idToken = null;
    }
  }
  if (typeof tokens.refresh_token !== "string" && row?.refreshToken && !storedTokens.isCurrent(row.refreshToken)) {
    update.refreshToken = storedTokens.encrypt(lease.id, "refreshToken", usedRefreshToken);
  }
  return update;
}

/** Null when UniAuth says neither (the roles stay); "another subject" when the tokens are not this user's. */
async function freshClaims(tokens: oauth.TokenEndpointResponse, userId: string, issuer: string) {
  const account = await db.account.findFirst({
    where: { userId, provider: UNIAUTH_PROVIDER_ID, issuer, clientId: env.UNIAUTH_CLIENT_ID },
    select: { providerAccountId: true },
  });
  if (!account) return null;
  const idTokenClaims = oauth.getValidatedIdTokenClaims(tokens);
  if (idTokenClaims && idTokenClaims.sub !== account.providerAccountId) return "another subject" as const;
  const source = idTokenClaims
    ? await withUserinfoClaims(idTokenClaims, tokens, ["groups"])
    : await fetchUserinfo(tokens.access_token, account.providerAccountId).catch(() => null);
  const claims = refreshedClaimsSchema.safeParse(source);
  return claims.success ? claims.data : null;
}
