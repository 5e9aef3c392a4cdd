import "server-only";
import { randomUUID } from "node:crypto";
import type { Account } from "next-auth";
import { type UniAuthClaims, rolesFromGroups } from "@/lib/auth/core/uniauth/claims";
import { discoveredIssuer } from "@/lib/auth/core/uniauth/discovery";
import { revokeRefreshToken } from "@/lib/auth/core/uniauth/end-session";
import { recordAuthEvent } from "@/lib/auth/features/audit-trail/trail";
import { UNIAUTH_PROVIDER_ID } from "@/lib/auth/core/uniauth/provider";
import type { TokenColumn } from "@/lib/auth/core/session/token-crypto";
import { type ActiveSession, DEFAULT_ACCESS_TOKEN_SECONDS, SESSION_MAX_AGE_SECONDS, openStoredToken, sessionUserSelect, storedTokens } from "@/lib/auth/core/session/store";
import { isUniqueViolation } from "@/lib/database-errors";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

interface SignIn {
  claims: UniAuthClaims;
  tokens: Pick<Account, "access_token" | "refresh_token" | "id_token" | "expires_at">;
  userAgent: string | null;
}

type StepUp = Omit<SignIn, "userAgent"> & { sessionId: string; userId: string };

const accountOf = (issuer: string, sub: string) => ({
  provider: UNIAUTH_PROVIDER_ID,
  issuer,
  clientId: env.UNIAUTH_CLIENT_ID,
  providerAccountId: sub,
});

/**
 * True when the email already belongs to a user linked to another `sub` at this client. Pairwise subs are
 * stable per client, so that is another person (say, a recycled address): never join them by email.
 */
export async function emailBelongsToAnotherSubject(claims: Pick<UniAuthClaims, "email" | "sub">): Promise<boolean> {
  const issuer = await discoveredIssuer();
  const existing = await db.user.findUnique({
    where: { email: claims.email },
    select: { accounts: { where: { provider: UNIAUTH_PROVIDER_ID, issuer, clientId: env.UNIAUTH_CLIENT_ID }, select: { providerAccountId: true } } },
  });
  return !!existing?.accounts.length && !existing.accounts.some((account) => account.providerAccountId === claims.sub);
}

const profileOf = (claims: UniAuthClaims, now: Date) => ({
  email: claims.email,
  emailVerified: claims.email_verified,
  name: claims.name ?? null,
  image: claims.picture ?? null,
  groups: claims.groups,
  ...rolesFromGroups(claims.groups),
  lastSignInAt: now,
});

/** When and how the user proved who they are, as UniAuth signed it into the ID token. */
const authContextOf = (claims: UniAuthClaims) => ({
  authTime: claims.auth_time ? new Date(claims.auth_time * 1000) : null,
  acr: claims.acr ?? null,
  amr: claims.amr ? [...claims.amr] : [],
});

/** A grant's tokens as a Session row keeps them: encrypted, bound to the row's id and column. */
function tokenColumns(id: string, tokens: SignIn["tokens"], now: Date) {
  const encrypt = (column: TokenColumn, token: string | undefined) => (token ? storedTokens.encrypt(id, column, token) : null);
  return {
    idToken: encrypt("idToken", tokens.id_token),
    accessToken: encrypt("accessToken", tokens.access_token),
    accessTokenExpiresAt: new Date(tokens.expires_at ? tokens.expires_at * 1000 : now.getTime() + DEFAULT_ACCESS_TOKEN_SECONDS * 1000),
    refreshToken: encrypt("refreshToken", tokens.refresh_token),
  };
}

const activeSessionSelect = { id: true, createdAt: true, expiresAt: true, user: { select: sessionUserSelect } } as const;

/**
 * Records a successful sign-in in one transaction: the user (roles re-derived from `groups` every time,
 * which Auth.js does not do), the link to the (issuer, client, pairwise sub) account, and a new Session row
 * holding this grant's tokens server-side, encrypted. Records `signin.accepted`.
 */
export async function recordSignIn({ claims, tokens, userAgent }: SignIn): Promise<ActiveSession> {
  const now = new Date();
  const issuer = await discoveredIssuer();
  const account = accountOf(issuer, claims.sub);
  const profile = profileOf(claims, now);

  // Two sign-ins of a user new to the app (two tabs, two devices) race to create the User row: the loser runs again,
  // and finds the winner's.
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

/**
 * Records a step-up (lib/auth/step-up.ts has checked it): the browser's existing session takes the new grant's
 * tokens, UniAuth session id and authentication context, and the user the current profile and roles. No new
 * session: the browser keeps its row, and a refresh in flight (holding the old lease) writes nothing over it.
 * The old grant's refresh token is revoked at UniAuth (best effort). Null when the row is gone (ended meanwhile):
 * there is nothing to step up.
 */
export async function recordStepUp({ sessionId, userId, claims, tokens }: StepUp): Promise<ActiveSession | null> {
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
        tokensRefreshedAt: now,
        refreshLeaseUntil: null,
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
