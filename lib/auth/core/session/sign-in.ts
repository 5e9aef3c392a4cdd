import "server-only";
import { randomUUID } from "node:crypto";
import type { Account } from "next-auth";
import { type UniAuthClaims, rolesFromGroups } from "@/lib/auth/core/uniauth/claims";
import { discoveredIssuer } from "@/lib/auth/core/uniauth/discovery";
import { recordAuthEvent } from "@/lib/auth/core/events";
import { UNIAUTH_PROVIDER_ID } from "@/lib/auth/core/uniauth/provider";
import type { TokenColumn } from "@/lib/auth/core/session/token-crypto";
import { type ActiveSession, DEFAULT_ACCESS_TOKEN_SECONDS, SESSION_MAX_AGE_SECONDS, sessionUserSelect, storedTokens } from "@/lib/auth/core/session/store";
import { isUniqueViolation } from "@/lib/database-errors";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

export type GrantTokens = Pick<Account, "access_token" | "refresh_token" | "id_token" | "expires_at">;

interface SignIn { claims: UniAuthClaims; tokens: GrantTokens; userAgent: string | null }

/** Pairwise subs are stable per client: another `sub` with this email is another person (a recycled address, say). */
export async function emailBelongsToAnotherSubject(claims: Pick<UniAuthClaims, "email" | "sub">): Promise<boolean> {
  const issuer = await discoveredIssuer();
  const existing = await db.user.findUnique({
    where: { email: claims.email },
    select: { accounts: { where: { provider: UNIAUTH_PROVIDER_ID, issuer, clientId: env.UNIAUTH_CLIENT_ID }, select: { providerAccountId: true } } },
  });
  return !!existing?.accounts.length && !existing.accounts.some((account) => account.providerAccountId === claims.sub);
}

export const profileOf = (claims: UniAuthClaims, now: Date) => ({
  email: claims.email, emailVerified: claims.email_verified, name: claims.name ?? null, image: claims.picture ?? null,
  groups: claims.groups, ...rolesFromGroups(claims.groups), lastSignInAt: now,
});

/** When and how the user proved who they are, as UniAuth signed it into the ID token. */
export const authContextOf = (claims: UniAuthClaims) => ({
  authTime: claims.auth_time ? new Date(claims.auth_time * 1000) : null,
  acr: claims.acr ?? null,
  amr: claims.amr ? [...claims.amr] : [],
});

export function tokenColumns(id: string, tokens: GrantTokens, now: Date) {
  const encrypt = (column: TokenColumn, token: string | undefined) => (token ? storedTokens.encrypt(id, column, token) : null);
  return {
    idToken: encrypt("idToken", tokens.id_token),
    accessToken: encrypt("accessToken", tokens.access_token),
    accessTokenExpiresAt: new Date(tokens.expires_at ? tokens.expires_at * 1000 : now.getTime() + DEFAULT_ACCESS_TOKEN_SECONDS * 1000),
    refreshToken: encrypt("refreshToken", tokens.refresh_token),
  };
}

export const activeSessionSelect = { id: true, createdAt: true, expiresAt: true, user: { select: sessionUserSelect } } as const;

/** Roles are re-derived from `groups` at every sign-in, which Auth.js does not do; tokens are stored encrypted. */
export async function recordSignIn({ claims, tokens, userAgent }: SignIn): Promise<ActiveSession> {
  const now = new Date();
  const issuer = await discoveredIssuer();
  const clientId = env.UNIAUTH_CLIENT_ID;
  const account = { provider: UNIAUTH_PROVIDER_ID, issuer, clientId, providerAccountId: claims.sub };
  const profile = profileOf(claims, now);

  // Two first sign-ins of one user (two tabs, two devices) race to create the User row: the loser runs again.
  const writeSignIn = () => db.$transaction(async (tx) => {
    const linked = await tx.account.findUnique({
      where: { provider_issuer_providerAccountId: { provider: account.provider, issuer, providerAccountId: claims.sub } },
      select: { userId: true },
    });
    // A verified email is a safe join key across clients (dev, staging, production have different pairwise
    // subs); the signIn callback has already refused an email held by another sub at this client.
    const user = linked
      ? await tx.user.update({ where: { id: linked.userId }, data: profile, select: { id: true } })
      : await tx.user.upsert({
          where: { email: claims.email },
          create: { ...profile, accounts: { create: account } },
          update: { ...profile, accounts: { create: account } },
          select: { id: true },
        });
    // The ciphertexts are bound to the row's id, so it is chosen here (random, like the cuid default it replaces).
    const id = randomUUID();
    return tx.session.create({
      data: {
        id,
        userId: user.id,
        issuer,
        sid: claims.sid ?? null,
        expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000),
        userAgent: userAgent?.slice(0, 512) ?? null,
        ...tokenColumns(id, tokens, now),
        ...authContextOf(claims),
      },
      select: activeSessionSelect,
    });
  });
  const session = await writeSignIn().catch((error: unknown) => {
    if (isUniqueViolation(error)) return writeSignIn();
    throw error;
  });
  await recordAuthEvent({ event: "signin.accepted", userId: session.user.id, sessionId: session.id, acr: claims.acr, amr: claims.amr });
  return session;
}
