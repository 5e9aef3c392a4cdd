import "server-only";
import { CLOCK_SKEW_SECONDS, type LogoutClaims } from "@/lib/auth/logout-token";
import { UNIAUTH_PROVIDER_ID } from "@/lib/auth/provider";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * Applies a verified logout token: records its `jti` and deletes the matching sessions in one transaction,
 * so a replay (on any instance) is refused and touches nothing. Only sessions created at or before the
 * token's `iat` go, so a late or replayed token cannot end a newer sign-in. Returns how many ended.
 */
export async function endSessionsForLogout(claims: LogoutClaims): Promise<number> {
  const account = claims.sub
    ? { accounts: { some: { provider: UNIAUTH_PROVIDER_ID, issuer: claims.issuer, providerAccountId: claims.sub } } }
    : undefined;
  // `iat` has one-second precision: a session created during that second predates the token. A `sid` names
  // one UniAuth session, so allow for UniAuth's clock running behind; a `sub`-only token gets no such slack,
  // so that it cannot end a sign-in that followed it.
  const slack = claims.sid !== undefined ? CLOCK_SKEW_SECONDS * 1000 : 0;
  const createdBy = new Date(claims.issuedAt.getTime() + 999 + slack);

  try {
    const [, { count }] = await db.$transaction([
      db.logoutTokenJti.create({ data: { issuer: claims.issuer, jti: claims.replayKey, expiresAt: claims.rememberUntil }, select: { jti: true } }),
      db.session.deleteMany({
        where: {
          issuer: claims.issuer,
          createdAt: { lte: createdBy },
          ...(claims.sid !== undefined && { sid: claims.sid }),
          ...(account && { user: account }),
        },
      }),
    ]);
    return count;
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError("invalid_request", "this logout token (jti) was already used");
    }
    throw new AppError("service_unavailable", "the session store is unreachable");
  }
}
