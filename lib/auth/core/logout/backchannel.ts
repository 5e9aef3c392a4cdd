import "server-only";
import { recordAuthEvent } from "@/lib/auth/core/events";
import { CLOCK_SKEW_SECONDS, type LogoutClaims } from "@/lib/auth/core/logout/logout-token";
import { UNIAUTH_PROVIDER_ID } from "@/lib/auth/core/uniauth/provider";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Session } from "@/lib/generated/prisma/client";

/** The one row the logout statement returns: its last SELECT names these columns (tests/integration/raw-sql.test.ts). */
export interface LogoutOutcome { recorded: number; ended: number; userId: Session["userId"] | null }
export const LOGOUT_OUTCOME_COLUMNS = Object.keys({ recorded: true, ended: true, userId: true } satisfies Record<keyof LogoutOutcome, true>);

/** Atomic: a replayed `jti` (on any instance) touches nothing; only sessions before `iat` go, never a later sign-in. */
export async function endSessionsForLogout(claims: LogoutClaims): Promise<number> {
  // `iat` has one-second precision: a session created in that second predates the token. A `sid` names one UniAuth
  // session, so UniAuth's clock may run behind; a `sub`-only token gets no slack, or it could end a later sign-in.
  const slack = claims.sid !== undefined ? CLOCK_SKEW_SECONDS * 1000 : 0;
  const createdBy = new Date(claims.issuedAt.getTime() + 999 + slack);
  const [sid, sub] = [claims.sid ?? null, claims.sub ?? null];
  let outcome: LogoutOutcome | undefined;
  try {
    // One statement (one round trip, atomic): the sessions go only if the jti is new. This is the app's hottest write
    // path (npm run bench): a Prisma transaction here costs a third of the throughput.
    [outcome] = await db.$queryRaw<LogoutOutcome[]>`
      WITH recorded AS (
        INSERT INTO "LogoutTokenJti" (issuer, jti, "expiresAt")
        VALUES (${claims.issuer}, ${claims.replayKey}, ${claims.rememberUntil})
        ON CONFLICT DO NOTHING
        RETURNING 1
      ), ended AS (
        DELETE FROM "Session" s
        WHERE EXISTS (SELECT 1 FROM recorded)
          AND s.issuer = ${claims.issuer}
          AND s."createdAt" <= ${createdBy}
          AND (${sid}::text IS NULL OR s.sid = ${sid})
          AND (${sub}::text IS NULL OR EXISTS (
            SELECT 1 FROM "Account" a
            WHERE a."userId" = s."userId" AND a.provider = ${UNIAUTH_PROVIDER_ID}
              AND a.issuer = ${claims.issuer} AND a."providerAccountId" = ${sub}))
        RETURNING s."userId"
      )
      SELECT (SELECT count(*) FROM recorded)::int AS recorded, (SELECT count(*) FROM ended)::int AS ended,
             (SELECT min("userId") FROM ended) AS "userId"`;
  } catch {
    throw new AppError("service_unavailable", "the session store is unreachable");
  }
  if (!outcome?.recorded) throw new AppError("invalid_request", "this logout token (jti) was already used");
  // A sid or a sub names one user, so the ended sessions all share one userId.
  await recordAuthEvent({ event: "logout.backchannel", userId: outcome.userId ?? undefined, sessionsEnded: outcome.ended });
  return outcome.ended;
}
