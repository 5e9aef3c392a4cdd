import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import type pg from "pg";
import { createTokenCrypto } from "../../lib/auth/core/session/token-crypto";
import { SESSION_COOKIE } from "./sign-in";

/** What the app's session cookie names of the user (lib/auth/core/session/check.ts, toToken): display fields only. */
export interface CookieUser {
  id: string;
  name: string | null;
  email: string | null;
  groups: string[];
  isStaff: boolean;
  isSuperuser: boolean;
}

/** The cookie Auth.js would have set for a Session row, encoded by Auth.js's own encoder. */
export async function sessionCookie(secret: string, session: { id: string; expiresAt: Date }, user: CookieUser): Promise<string> {
  const value = await encode({
    secret,
    salt: SESSION_COOKIE,
    token: {
      sub: user.id,
      sessionId: session.id,
      sessionStartedAt: new Date().toISOString(),
      sessionExpiresAt: session.expiresAt.toISOString(),
      user: { ...user, image: null },
    },
  });
  return `${SESSION_COOKIE}=${value}`;
}

/**
 * Writes one Session row per refresh token, straight into the database, for the app user with that email: seen
 * just now, its roles read a random time within the last `roleAgeSeconds` (so that they come due one by one, as
 * they would after hours of use). Resolves to their cookies.
 */
export async function seedSessions(db: pg.Pool, secret: string, seed: { email: string; issuer: string; refreshTokens: string[]; roleAgeSeconds: number }): Promise<string[]> {
  const { rows: users } = await db.query<CookieUser>(`SELECT id, name, email, groups, "isStaff", "isSuperuser" FROM "User" WHERE email = $1`, [seed.email]);
  const user = users[0];
  if (!user) throw new Error(`no user ${seed.email} in the database: sign them in first`);
  // Stored as the app stores them: encrypted under its secret, each bound to its row.
  const ids = seed.refreshTokens.map(() => randomUUID());
  const tokens = createTokenCrypto([secret]);
  const { rows: sessions } = await db.query<{ id: string; expiresAt: Date }>(
    `INSERT INTO "Session" (id, "userId", issuer, "expiresAt", "refreshToken", "rolesReadAt", "lastSeenAt")
     SELECT id, $1, $2, (now() AT TIME ZONE 'UTC') + interval '1 day', token,
            (now() AT TIME ZONE 'UTC') - random() * make_interval(secs => $5), now() AT TIME ZONE 'UTC'
     FROM unnest($3::text[], $4::text[]) AS seeded (id, token)
     RETURNING id, "expiresAt"`,
    [user.id, seed.issuer, ids, seed.refreshTokens.map((token, i) => tokens.encrypt(ids[i]!, "refreshToken", token)), seed.roleAgeSeconds],
  );
  return Promise.all(sessions.map((session) => sessionCookie(secret, session, user)));
}
