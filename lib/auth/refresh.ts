import "server-only";
import * as oauth from "oauth4webapi";
import { rolesFromGroups, uniauthClaimsSchema } from "@/lib/auth/claims";
import { UNIAUTH_PROVIDER_ID } from "@/lib/auth/provider";
import { DEFAULT_ACCESS_TOKEN_SECONDS } from "@/lib/auth/sign-in";
import { describeFailure, uniauthClient } from "@/lib/auth/uniauth-client";
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
  const expiresAt = session.accessTokenExpiresAt?.getTime() ?? session.tokensRefreshedAt.getTime() + DEFAULT_ACCESS_TOKEN_SECONDS * 1000;
  const interval = env.SESSION_REVALIDATE_SECONDS;
  return expiresAt - EXPIRY_MARGIN_MS <= now || (interval !== undefined && now - session.tokensRefreshedAt.getTime() >= interval * 1000);
}

/**
 * Refreshes a session's tokens at UniAuth and re-syncs the user's groups and roles. UniAuth rotates refresh
 * tokens and revokes the whole family when a used one comes back, so exactly one request, on any instance,
 * may refresh a session: it wins a lease by compare-and-swap on the row (same refresh token, no live lease),
 * and every later write is fenced by that lease. The other requests carry on with the session as it is.
 *
 * Returns "ended" when UniAuth ended the grant (`invalid_grant`): the session row is deleted.
 */
export async function refreshSession(session: RefreshableSession): Promise<"refreshed" | "ended" | "skipped"> {
  if (!session.refreshToken) return "skipped";
  const now = Date.now();
  const lease = new Date(now + LEASE_MS);
  const claimed = await db.session.updateMany({
    where: { id: session.id, refreshToken: session.refreshToken, OR: [{ refreshLeaseUntil: null }, { refreshLeaseUntil: { lt: new Date(now) } }] },
    data: { refreshLeaseUntil: lease },
  });
  if (claimed.count === 0) return "skipped";
  // Only while this request holds the lease; a logout that deleted the row meanwhile matches nothing.
  const mine = { id: session.id, refreshLeaseUntil: lease };
  const backOff = async (error: unknown) => {
    await db.session.updateMany({ where: mine, data: { refreshLeaseUntil: new Date(now + BACKOFF_MS) } });
    console.error("Token refresh failed; keeping the session and retrying later:", describeFailure(error));
    return "skipped" as const;
  };

  const { server, client, clientAuth, options } = await uniauthClient();
  let response: Response;
  try {
    response = await oauth.refreshTokenGrantRequest(server, client, clientAuth, session.refreshToken, options());
  } catch (error) {
    return backOff(error);
  }
  // Keep the rotated refresh token before anything else can fail: the old one is spent from now on.
  const rotated = response.ok ? ((await response.clone().json().catch(() => null)) as { refresh_token?: unknown } | null) : null;
  if (typeof rotated?.refresh_token === "string") {
    const kept = await db.session.updateMany({ where: mine, data: { refreshToken: rotated.refresh_token } });
    if (kept.count === 0) return "skipped";
  }

  let tokens: oauth.TokenEndpointResponse;
  try {
    tokens = await oauth.processRefreshTokenResponse(server, client, response);
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError && error.error === "invalid_grant") {
      await db.session.deleteMany({ where: { id: session.id } });
      return "ended";
    }
    return backOff(error);
  }

  const claims = uniauthClaimsSchema.safeParse(await freshClaims(tokens, session.userId, server.issuer));
  await db.$transaction(async (tx) => {
    const stored = await tx.session.updateMany({
      where: mine,
      data: {
        accessToken: tokens.access_token,
        accessTokenExpiresAt: new Date(Date.now() + (tokens.expires_in ?? DEFAULT_ACCESS_TOKEN_SECONDS) * 1000),
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

/**
 * The user's claims as of this refresh: the new ID token's (or userinfo's when there is none), only if they
 * are about the same subject the user signed in as. Nothing, and the roles stay, if UniAuth says neither.
 */
async function freshClaims(tokens: oauth.TokenEndpointResponse, userId: string, issuer: string): Promise<unknown> {
  const account = await db.account.findFirst({
    where: { userId, provider: UNIAUTH_PROVIDER_ID, issuer, clientId: env.UNIAUTH_CLIENT_ID },
    select: { providerAccountId: true },
  });
  if (!account) return undefined;
  const idTokenClaims = oauth.getValidatedIdTokenClaims(tokens);
  if (idTokenClaims) return idTokenClaims.sub === account.providerAccountId ? withGroups(idTokenClaims, tokens.access_token) : undefined;
  return fetchUserinfo(tokens.access_token, account.providerAccountId).catch(() => undefined);
}
