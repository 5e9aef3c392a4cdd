import "server-only";
import { type Tx, type Window, countWindow, inWindow, withdrawEvents } from "@/lib/auth/features/token-budget/window";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";
import { limitedAddress } from "@/lib/http/client-ip";

/** The lock every token call is decided under, and the RatePause key of a 429 from UniAuth's token endpoint. */
const TOKEN_CALLS = "uniauth:token";
/** A session counts as in use (and so waits its turn to refresh) when seen this recently (`lastSeenAt`). */
const IN_USE_SECONDS = 10 * 60;

/**
 * The window's token calls, split so that strangers cannot take what others need: role refreshes have their share,
 * sign-ins from known devices theirs, and browsers with no device cookie share what is left, the open pool. A known
 * device whose share is spent (or that passed its caps) may still use the open pool; nothing else crosses over.
 */
export type Share = "refresh" | "knownDevice" | "openPool";
const SHARE_KEY: Record<Share, string> = { refresh: `${TOKEN_CALLS}:refresh`, knownDevice: `${TOKEN_CALLS}:known-device`, openPool: `${TOKEN_CALLS}:open-pool` };

export function shareSize(share: Share): number {
  if (share === "refresh") return env.UNIAUTH_REFRESH_SHARE;
  if (share === "knownDevice") return env.UNIAUTH_KNOWN_DEVICE_SHARE;
  return env.UNIAUTH_TOKEN_LIMIT - env.UNIAUTH_REFRESH_SHARE - env.UNIAUTH_KNOWN_DEVICE_SHARE;
}

/**
 * Why a token call was not made: UniAuth said 429 and its Retry-After has not passed ("paused"), the share it may
 * draw on is spent ("spent"), sessions ahead of it in the refresh queue are waiting for the few calls left
 * ("queued"), or its client address failed too many code exchanges ("limited"). `retryAfterMs`: when trying again
 * can make a difference.
 */
export interface Refusal {
  why: "paused" | "spent" | "queued" | "limited";
  retryAfterMs: number;
}

/** Who is signing in: the known device the browser names (lib/auth/features/token-budget/devices.ts), if any, and its address. */
export interface SignInCaller {
  device: { id: string; userId: string } | null;
  address: string;
}

/** Whose call it is: a sign-in's (or step-up's) code exchange, or a session's refresh. */
export type BudgetCall = { for: "sign-in"; caller: SignInCaller } | { for: "refresh"; sessionId: string };

/**
 * A call the budget admitted (counted in `share`). A code exchange is counted as failed in advance, against whoever
 * makes it (the known device and its user, or the unknown device's address), so that concurrent bogus codes cannot
 * all pass the failure limits before the first fails: `settleExchange` takes that back when UniAuth accepts the code.
 */
export interface Admission {
  share: Share;
  pendingFailures: bigint[];
}

interface Decision {
  share: Share;
  counts: string[];
  failures: string[];
}

const signInKeys = (device: { id: string; userId: string }) => ({
  signIns: [`signin:device:${device.id}`, `signin:user:${device.userId}`],
  failures: [`signin:device-failed:${device.id}`, `signin:user-failed:${device.userId}`],
});
const addressFailuresKey = (address: string) => `signin:failed:${limitedAddress(address)}`;

/**
 * Takes one token call from the app's budget, shared by every instance: UniAuth limits token calls per client IP
 * (UNIAUTH_TOKEN_LIMIT per UNIAUTH_RATE_WINDOW_SECONDS) for the whole app. The admission when the call may be made
 * (it is counted now, in the share it draws on), else why not.
 */
export function takeTokenCall(call: BudgetCall): Promise<Refusal | Admission> {
  return inWindow(TOKEN_CALLS, env.UNIAUTH_RATE_WINDOW_SECONDS, async (window) => {
    const decision = await decide(window, call);
    if ("why" in decision) return decision;
    for (const key of decision.counts) await window.add(key);
    const pendingFailures: bigint[] = [];
    for (const key of decision.failures) pendingFailures.push(await window.add(key));
    return { share: decision.share, pendingFailures };
  });
}

/** Whether a sign-in could exchange its code now: null if so, else why not (asked before sending the user to UniAuth). */
export async function signInsRefused(caller: SignInCaller): Promise<Refusal | null> {
  return inWindow(TOKEN_CALLS, env.UNIAUTH_RATE_WINDOW_SECONDS, async (window) => {
    const decision = await decide(window, { for: "sign-in", caller });
    return "why" in decision ? decision : null;
  });
}

/**
 * The exchange is over: unless UniAuth refused the code itself (`invalid_grant` and the like: a bogus or spent
 * code), its failure counted in advance is taken back. A UniAuth outage or a 429 is nobody's failure.
 */
export async function settleExchange(admission: Admission, codeRefused: boolean): Promise<void> {
  if (!codeRefused) await withdrawEvents(admission.pendingFailures);
}

async function decide(window: Window, call: BudgetCall): Promise<Refusal | Decision> {
  const pausedMs = await pausedForMs(window.tx);
  if (pausedMs > 0) return { why: "paused", retryAfterMs: pausedMs };
  return call.for === "refresh" ? decideRefresh(window, call.sessionId) : decideSignIn(window, call.caller);
}

async function decideRefresh(window: Window, sessionId: string): Promise<Refusal | Decision> {
  const { used, freesInMs } = await window.count(SHARE_KEY.refresh);
  const room = shareSize("refresh") - used;
  if (room <= 0) return { why: "spent", retryAfterMs: freesInMs };
  if ((await aheadInQueue(window.tx, sessionId)) >= room) return { why: "queued", retryAfterMs: freesInMs };
  return { share: "refresh", counts: [SHARE_KEY.refresh], failures: [] };
}

/**
 * A trusted known device draws on the known-device share, then the open pool, and a failed code counts against it
 * and its user. Any other browser draws on the open pool alone, and only while its address has failed fewer than
 * SIGNIN_FAILURES_PER_ADDRESS code exchanges; a failed code counts against that address.
 */
async function decideSignIn(window: Window, { device, address }: SignInCaller): Promise<Refusal | Decision> {
  const known = device && (await trusted(window, device)) ? signInKeys(device) : null;
  if (known && (await window.count(SHARE_KEY.knownDevice)).used < shareSize("knownDevice")) {
    return { share: "knownDevice", counts: [SHARE_KEY.knownDevice, ...known.signIns], failures: known.failures };
  }
  if (!known) {
    const failed = await window.count(addressFailuresKey(address));
    if (failed.used >= env.SIGNIN_FAILURES_PER_ADDRESS) return { why: "limited", retryAfterMs: failed.freesInMs };
  }
  const { used, freesInMs } = await window.count(SHARE_KEY.openPool);
  if (used >= shareSize("openPool")) return { why: "spent", retryAfterMs: freesInMs };
  return { share: "openPool", counts: [SHARE_KEY.openPool, ...(known?.signIns ?? [])], failures: known?.failures ?? [addressFailuresKey(address)] };
}

/**
 * A known device is trusted within its caps (SIGNINS_PER_DEVICE, and SIGNINS_PER_USER across the user's devices) and
 * while neither it nor another device of its user failed a code exchange in the window: a device cookie, stolen or
 * an attacker's own, buys at most one bogus exchange a window from the known-device share. Past that, it is unknown.
 */
async function trusted(window: Window, device: { id: string; userId: string }): Promise<boolean> {
  const { signIns, failures } = signInKeys(device);
  const [byDevice, byUser] = [await window.count(signIns[0]!), await window.count(signIns[1]!)];
  if (byDevice.used >= env.SIGNINS_PER_DEVICE || byUser.used >= env.SIGNINS_PER_USER) return false;
  for (const key of failures) if ((await window.count(key)).used > 0) return false;
  return true;
}

/** UniAuth answered a token call with 429: no instance makes another before Retry-After has passed. */
export async function pauseTokenCalls(forMs: number): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "RatePause" (key, until) VALUES (${TOKEN_CALLS}, (now() AT TIME ZONE 'UTC') + make_interval(secs => ${forMs / 1000}))
    ON CONFLICT (key) DO UPDATE SET until = greatest("RatePause".until, excluded.until)`;
}

async function pausedForMs(tx: Tx): Promise<number> {
  const [row] = await tx.$queryRaw<{ ms: number }[]>`
    SELECT (extract(epoch FROM until - (now() AT TIME ZONE 'UTC')) * 1000)::float8 AS ms FROM "RatePause" WHERE key = ${TOKEN_CALLS}`;
  return Math.max(0, Math.ceil(row?.ms ?? 0));
}

// The refresh queue. Staff and superuser sessions go first (a demotion must not wait), then members; oldest roles
// first within each. A session is due once its roles are older than its kind's role age, and free to refresh when
// no request holds its lease and it is not backing off after a failure.
const elevated = Prisma.sql`(u."isStaff" OR u."isSuperuser")`;
const sessionsWithRoles = Prisma.sql`"Session" s JOIN "User" u ON u.id = s."userId"`;
const inUse = Prisma.sql`
  s."expiresAt" > (now() AT TIME ZONE 'UTC') AND s."refreshToken" IS NOT NULL
  AND s."lastSeenAt" > (now() AT TIME ZONE 'UTC') - make_interval(secs => ${IN_USE_SECONDS})`;
const rolesAge = Prisma.sql`extract(epoch FROM (now() AT TIME ZONE 'UTC') - s."rolesReadAt")`;
const dueAndFree = Prisma.sql`${inUse}
  AND ${rolesAge} >= CASE WHEN ${elevated} THEN ${env.ROLES_MAX_AGE_SECONDS}::int ELSE ${env.MEMBER_ROLES_MAX_AGE_SECONDS}::int END
  AND (s."refreshLeaseUntil" IS NULL OR s."refreshLeaseUntil" < (now() AT TIME ZONE 'UTC'))
  AND (s."refreshRetryAt" IS NULL OR s."refreshRetryAt" < (now() AT TIME ZONE 'UTC'))`;

/** How many sessions due a refresh (and free to take one) come before this one in the queue. */
async function aheadInQueue(tx: Tx, sessionId: string): Promise<number> {
  const [row] = await tx.$queryRaw<{ count: number }[]>`
    WITH me AS (SELECT s."rolesReadAt" AS "readAt", ${elevated} AS elevated FROM ${sessionsWithRoles} WHERE s.id = ${sessionId})
    SELECT count(*)::int AS count FROM ${sessionsWithRoles}, me
    WHERE ${dueAndFree} AND s.id <> ${sessionId}
      AND (${elevated} > me.elevated OR (${elevated} = me.elevated AND s."rolesReadAt" < me."readAt"))`;
  return row?.count ?? 0;
}

/** The id of the session first in the refresh queue, if any. */
export async function firstInQueue(): Promise<string | null> {
  const [row] = await db.$queryRaw<{ id: string }[]>`
    SELECT s.id FROM ${sessionsWithRoles} WHERE ${dueAndFree} ORDER BY ${elevated} DESC, s."rolesReadAt" LIMIT 1`;
  return row?.id ?? null;
}

/**
 * For operators (/admin, the health route): each share's use in the window, any pause, and, for staff-or-superuser
 * and member sessions in use, how many there are, how many the refresh share can keep within their role age (staff
 * go first, members get what staff leave), and the oldest roles' age now.
 */
export async function tokenBudget() {
  return db.$transaction(async (tx) => {
    const shares = {} as Record<Share, { size: number; used: number }>;
    for (const share of Object.keys(SHARE_KEY) as Share[]) {
      shares[share] = { size: shareSize(share), used: (await countWindow(tx, SHARE_KEY[share], env.UNIAUTH_RATE_WINDOW_SECONDS)).used };
    }
    const kinds = await tx.$queryRaw<{ elevated: boolean; inUse: number; oldest: number | null }[]>`
      SELECT ${elevated} AS elevated, count(*)::int AS "inUse", floor(max(${rolesAge}))::int AS oldest
      FROM ${sessionsWithRoles} WHERE ${inUse} GROUP BY 1`;
    const kind = (isElevated: boolean) => kinds.find((row) => row.elevated === isElevated);
    const windows = (seconds: number) => seconds / env.UNIAUTH_RATE_WINDOW_SECONDS;
    const elevatedCapacity = Math.floor(shareSize("refresh") * windows(env.ROLES_MAX_AGE_SECONDS));
    const leftForMembers = Math.max(0, shareSize("refresh") - (kind(true)?.inUse ?? 0) / windows(env.ROLES_MAX_AGE_SECONDS));
    return {
      windowSeconds: env.UNIAUTH_RATE_WINDOW_SECONDS,
      limit: env.UNIAUTH_TOKEN_LIMIT,
      used: shares.refresh.used + shares.knownDevice.used + shares.openPool.used,
      shares,
      pausedForSeconds: Math.ceil((await pausedForMs(tx)) / 1000),
      /** Sessions seen in the last 10 minutes, by kind. */
      sessions: {
        elevated: { inUse: kind(true)?.inUse ?? 0, capacity: elevatedCapacity, roleAgeSeconds: env.ROLES_MAX_AGE_SECONDS, oldestRoleAgeSeconds: kind(true)?.oldest ?? null },
        member: {
          inUse: kind(false)?.inUse ?? 0,
          capacity: Math.floor(leftForMembers * windows(env.MEMBER_ROLES_MAX_AGE_SECONDS)),
          roleAgeSeconds: env.MEMBER_ROLES_MAX_AGE_SECONDS,
          oldestRoleAgeSeconds: kind(false)?.oldest ?? null,
        },
      },
    };
  });
}
