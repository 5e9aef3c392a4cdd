import "server-only";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

export type Tx = Prisma.TransactionClient;

/** Callers queue on the key's lock: on a loaded machine, give the queue longer than Prisma's default 2 s and 5 s. */
const TRANSACTION = { maxWait: 10_000, timeout: 15_000 };
/** Counted past the window: the time a call takes to reach UniAuth, and any difference between the two clocks. */
const MARGIN_SECONDS = 2;

export interface WindowCount {
  /** Events of the key within the window, before this one. */
  used: number;
  /** When the oldest of them leaves the window, in milliseconds from now; 0 when there is none. */
  freesInMs: number;
}

/**
 * A sliding-window limit kept in Postgres (RateEvent rows), so it holds across every server instance. Under a
 * transaction-scoped advisory lock on the key (which works behind a transaction-mode pooler): drop the key's events
 * older than the window, count the rest, ask `refuse`, and record this event unless it said why not. Null when the
 * event was admitted (and counted). Times are the database's clock as each statement runs (not the transaction's
start, which may be long past after a wait on the lock), so instances whose clocks disagree count one window, and a
few seconds more than the window are counted, for the network between here and UniAuth.
 */
export async function spendFromWindow<Refusal>(
  key: string,
  windowSeconds: number,
  refuse: (count: WindowCount, tx: Tx) => Promise<Refusal | null> | Refusal | null,
): Promise<Refusal | null> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
    await tx.$executeRaw`
      DELETE FROM "RateEvent" WHERE key = ${key} AND at <= (clock_timestamp() AT TIME ZONE 'UTC') - make_interval(secs => ${windowSeconds + MARGIN_SECONDS})`;
    const refusal = await refuse(await countWindow(tx, key, windowSeconds), tx);
    if (refusal === null) await tx.$executeRaw`INSERT INTO "RateEvent" (key, at) VALUES (${key}, clock_timestamp() AT TIME ZONE 'UTC')`;
    return refusal;
  }, TRANSACTION);
}

/** The key's events within the window (and its margin). */
export async function countWindow(tx: Tx, key: string, windowSeconds: number): Promise<WindowCount> {
  const counted = windowSeconds + MARGIN_SECONDS;
  const [row] = await tx.$queryRaw<{ used: number; freesInMs: number | null }[]>`
    SELECT count(*)::int AS used,
           (extract(epoch FROM min(at) + make_interval(secs => ${counted}) - (clock_timestamp() AT TIME ZONE 'UTC')) * 1000)::float8 AS "freesInMs"
    FROM "RateEvent" WHERE key = ${key} AND at > (clock_timestamp() AT TIME ZONE 'UTC') - make_interval(secs => ${counted})`;
  return { used: row?.used ?? 0, freesInMs: Math.max(0, Math.ceil(row?.freesInMs ?? 0)) };
}
