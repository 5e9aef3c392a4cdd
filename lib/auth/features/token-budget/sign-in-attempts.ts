import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import { db } from "@/lib/db";

/** How long Auth.js's state cookie lives (its checks cookies' default): a used state is remembered this long. */
const STATE_LIFETIME_SECONDS = 15 * 60;

const callbackStates = new AsyncLocalStorage<string>();

/** Runs Auth.js's callback with its `state` at hand, for the code exchange's single-use check (lib/auth/core/uniauth/fetch.ts). */
export const withCallbackState = <T>(state: string, work: () => Promise<T>): Promise<T> => callbackStates.run(state, work);

/** The `state` of the callback being handled, if any. */
export const callbackState = (): string | undefined => callbackStates.getStore();

/**
 * Records a callback's `state` as used; false when it was used before. Auth.js checks the state against its cookie
 * but accepts the pair as often as it comes back within the cookie's 15 minutes, and each time exchanges the code
 * at UniAuth: so a replayed callback would spend a token call for nothing. Asked at the code exchange, once Auth.js
 * has checked the state against its cookie (so made-up states write nothing). Kept as a hash, until the cookie expires.
 */
export async function firstUseOfState(state: string): Promise<boolean> {
  const hash = createHash("sha256").update(state).digest("base64url");
  const inserted = await db.$executeRaw`
    INSERT INTO "UsedSignInState" ("stateHash", "expiresAt")
    VALUES (${hash}, (now() AT TIME ZONE 'UTC') + make_interval(secs => ${STATE_LIFETIME_SECONDS}))
    ON CONFLICT ("stateHash") DO NOTHING`;
  return inserted === 1;
}
