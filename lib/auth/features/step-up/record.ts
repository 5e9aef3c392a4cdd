import "server-only";
import type { UniAuthClaims } from "@/lib/auth/core/uniauth/claims";
import { discoveredIssuer } from "@/lib/auth/core/uniauth/discovery";
import { revokeRefreshToken } from "@/lib/auth/core/uniauth/end-session";
import { recordAuthEvent } from "@/lib/auth/core/events";
import { UNIAUTH_PROVIDER_ID } from "@/lib/auth/core/uniauth/provider";
import { type ActiveSession, openStoredToken } from "@/lib/auth/core/session/store";
import { type GrantTokens, activeSessionSelect, authContextOf, profileOf, tokenColumns } from "@/lib/auth/core/session/sign-in";
import { db } from "@/lib/db";

/**
 * Records a step-up (stepUpRefusal has checked it): the browser's existing session takes the new grant's
 * tokens, UniAuth session id and authentication context, and the user the current profile and roles. No new
 * session: the browser keeps its row, and a refresh in flight (holding the old lease) writes nothing over it.
 * The old grant's refresh token is revoked at UniAuth (best effort). Null when the row is gone (ended meanwhile):
 * there is nothing to step up.
 */
export async function recordStepUp({ sessionId, userId, claims, tokens }: { sessionId: string; userId: string; claims: UniAuthClaims; tokens: GrantTokens }): Promise<ActiveSession | null> {
  const now = new Date();
  const issuer = await discoveredIssuer();
  const stepped = await db.$transaction(async (tx) => {
    // The signIn callback refused another account already; a row is never handed to one all the same.
    const own = await tx.account.count({ where: { userId, provider: UNIAUTH_PROVIDER_ID, issuer, providerAccountId: claims.sub } });
    if (!own) throw new Error("A step-up must be signed in as the session's own UniAuth account.");
    const before = await tx.session.findFirst({ where: { id: sessionId, userId }, select: { refreshToken: true } });
    if (!before) return null;
    const session = await tx.session.update({
      where: { id: sessionId },
      data: {
        sid: claims.sid ?? null,
        ...tokenColumns(sessionId, tokens, now),
        rolesReadAt: now,
        refreshLeaseUntil: null,
        refreshRetryAt: null,
        refreshFailures: 0,
        ...authContextOf(claims),
        user: { update: profileOf(claims, now) },
      },
      select: activeSessionSelect,
    });
    return { replacedRefreshToken: before.refreshToken, session };
  });
  if (!stepped) return null;
  await recordAuthEvent({ event: "stepup.accepted", userId, sessionId, acr: claims.acr, amr: claims.amr });
  const replaced = openStoredToken(sessionId, "refreshToken", stepped.replacedRefreshToken);
  if (replaced) await revokeRefreshToken(replaced);
  return stepped.session;
}
