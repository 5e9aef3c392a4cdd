import "server-only";
import { createHash } from "node:crypto";
import { db } from "@/lib/db";

/** How long Auth.js's state cookie lives (its checks cookies' default): a used state is remembered this long. */
const STATE_LIFETIME_SECONDS = 15 * 60;

/**
 * Records a callback's `state` as used; false when it was used before. Auth.js checks the state against its cookie
 * but accepts the pair as often as it comes back within the cookie's 15 minutes, and each time exchanges the code
 * at UniAuth: so a replayed callback would spend a token call for nothing. Kept as a hash, until the cookie expires.
 */
export async function firstUseOfState(state: string): Promise<boolean> {
  const hash = createHash("sha256").update(state).digest("base64url");
  const inserted = await db.$executeRaw`
    INSERT INTO "UsedSignInState" ("stateHash", "expiresAt")
    VALUES (${hash}, (now() AT TIME ZONE 'UTC') + make_interval(secs => ${STATE_LIFETIME_SECONDS}))
    ON CONFLICT ("stateHash") DO NOTHING`;
  return inserted === 1;
}
