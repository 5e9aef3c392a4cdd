import type { Account } from "next-auth";
import { type UniAuthClaims, rolesFromGroups } from "@/lib/auth/claims";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/auth/config";
import { UNIAUTH_PROVIDER_ID } from "@/lib/auth/provider";
import { type ActiveSession, sessionUserSelect } from "@/lib/auth/sessions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

interface SignIn {
  claims: UniAuthClaims;
  tokens: Pick<Account, "access_token" | "refresh_token" | "id_token" | "expires_at">;
  userAgent: string | null;
}

/**
 * Records a successful sign-in in one transaction: the user (roles re-derived from `groups` every time,
 * which Auth.js does not do), the link to the (issuer, pairwise sub) account, and a new Session row
 * holding this grant's tokens server-side.
 */
export function recordSignIn({ claims, tokens, userAgent }: SignIn): Promise<ActiveSession> {
  const now = new Date();
  const profile = {
    email: claims.email,
    emailVerified: claims.email_verified,
    name: claims.name ?? null,
    image: claims.picture ?? null,
    groups: claims.groups,
    ...rolesFromGroups(claims.groups),
    lastSignInAt: now,
  };
  const account = { provider: UNIAUTH_PROVIDER_ID, issuer: env.UNIAUTH_ISSUER, providerAccountId: claims.sub };

  return db.$transaction(async (tx) => {
    const linked = await tx.account.findUnique({
      where: { provider_issuer_providerAccountId: account },
      select: { userId: true },
    });
    // A verified email is a safe join key: the same person signing in through another UniAuth client
    // (pairwise subs differ per client) joins their existing user instead of failing on the unique email.
    const user = linked
      ? await tx.user.update({ where: { id: linked.userId }, data: profile, select: sessionUserSelect })
      : await tx.user.upsert({
          where: { email: claims.email },
          create: { ...profile, accounts: { create: account } },
          update: { ...profile, accounts: { create: account } },
          select: sessionUserSelect,
        });
    const session = await tx.session.create({
      data: {
        userId: user.id,
        issuer: env.UNIAUTH_ISSUER,
        sid: claims.sid ?? null,
        expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000),
        userAgent: userAgent?.slice(0, 512) ?? null,
        idToken: tokens.id_token ?? null,
        accessToken: tokens.access_token ?? null,
        accessTokenExpiresAt: tokens.expires_at ? new Date(tokens.expires_at * 1000) : null,
        refreshToken: tokens.refresh_token ?? null,
      },
      select: { id: true, createdAt: true, expiresAt: true },
    });
    return { ...session, user };
  });
}
