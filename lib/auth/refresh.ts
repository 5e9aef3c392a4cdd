import * as oauth from "oauth4webapi";
import { rolesFromGroups, uniauthClaimsSchema } from "@/lib/auth/claims";
import { uniauthClient } from "@/lib/auth/uniauth-client";
import { fetchUserinfo, withGroups } from "@/lib/auth/userinfo";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

/** How long one request may hold the right to refresh a session before another may try. */
const LEASE_MS = 30_000;
/** After UniAuth failed (429, 5xx, network), how long before the next attempt: the session stays. */
const BACKOFF_MS = 60_000;
/** Refresh a little before the access token expires. */
const EXPIRY_MARGIN_MS = 60_000;

export interface RefreshableSession {
  id: string;
  userId: string;
  refreshToken: string | null;
  accessTokenExpiresAt: Date | null;
  tokensRefreshedAt: Date;
  refreshLeaseUntil: Date | null;
}

/** True when the access token has expired (or the revalidation interval passed) and nobody is refreshing. */
export function needsRefresh(session: RefreshableSession, now = Date.now()): boolean {
  if (!session.refreshToken || (session.refreshLeaseUntil && session.refreshLeaseUntil.getTime() > now)) return false;
  const expired = !session.accessTokenExpiresAt || session.accessTokenExpiresAt.getTime() - EXPIRY_MARGIN_MS <= now;
  const interval = env.SESSION_REVALIDATE_SECONDS;
  return expired || (interval !== undefined && now - session.tokensRefreshedAt.getTime() >= interval * 1000);
}

/**
 * Refreshes a session's tokens at UniAuth and re-syncs the user's groups and roles. UniAuth rotates refresh
 * tokens and revokes the whole family when a used one comes back, so exactly one request, on any instance,
 * may refresh a session: it wins a lease by compare-and-swap on the row (still holding the same refresh
 * token, no live lease). The others carry on with the session as it is.
 *
 * Returns "ended" when UniAuth ended the grant (`invalid_grant`): the session row is deleted.
 */
export async function refreshSession(session: RefreshableSession): Promise<"refreshed" | "ended" | "skipped"> {
  const { refreshToken } = session;
  if (!refreshToken) return "skipped";
  const now = Date.now();
  const lease = await db.session.updateMany({
    where: { id: session.id, refreshToken, OR: [{ refreshLeaseUntil: null }, { refreshLeaseUntil: { lt: new Date(now) } }] },
    data: { refreshLeaseUntil: new Date(now + LEASE_MS) },
  });
  if (lease.count === 0) return "skipped";

  let tokens: oauth.TokenEndpointResponse;
  try {
    const { server, client, clientAuth, options } = await uniauthClient();
    const response = await oauth.refreshTokenGrantRequest(server, client, clientAuth, refreshToken, options());
    tokens = await oauth.processRefreshTokenResponse(server, client, response);
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError && error.error === "invalid_grant") {
      await db.session.deleteMany({ where: { id: session.id } });
      return "ended";
    }
    // The lease doubles as the back-off, so a UniAuth outage is not hammered by every page view.
    await db.session.updateMany({ where: { id: session.id }, data: { refreshLeaseUntil: new Date(now + BACKOFF_MS) } });
    console.error("Token refresh failed; keeping the session and retrying later:", error instanceof Error ? error.name : "unknown error");
    return "skipped";
  }

  const claims = uniauthClaimsSchema.safeParse(await freshClaims(tokens));
  await db.$transaction(async (tx) => {
    // Update, never upsert: a logout that deleted the row meanwhile must not be undone.
    const stored = await tx.session.updateMany({
      where: { id: session.id, refreshToken },
      data: {
        accessToken: tokens.access_token,
        accessTokenExpiresAt: tokens.expires_in ? new Date(Date.now() + tokens.expires_in * 1000) : null,
        refreshToken: tokens.refresh_token ?? refreshToken,
        ...(tokens.id_token && { idToken: tokens.id_token }),
        tokensRefreshedAt: new Date(),
        refreshLeaseUntil: null,
      },
    });
    if (stored.count === 1 && claims.success) {
      const { groups } = claims.data;
      await tx.user.update({ where: { id: session.userId }, data: { groups, ...rolesFromGroups(groups) } });
    }
  });
  return "refreshed";
}

/** The user's claims as of this refresh: the new ID token's, else userinfo's; nothing if UniAuth says neither. */
async function freshClaims(tokens: oauth.TokenEndpointResponse): Promise<unknown> {
  const idTokenClaims = oauth.getValidatedIdTokenClaims(tokens);
  if (idTokenClaims) return withGroups(idTokenClaims, tokens.access_token);
  return fetchUserinfo(tokens.access_token, oauth.skipSubjectCheck).catch(() => undefined);
}
