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

/** Sliding-window counts, within one locked transaction (see `inWindow`). */
export interface Window {
  tx: Tx;
  /** The key's events within the window (older ones are forgotten first). */
  count(key: string): Promise<WindowCount>;
  /** Records one event of the key, now; its id. */
  add(key: string): Promise<bigint>;
}

/**
 * Sliding-window limits kept in Postgres (RateEvent rows), so they hold across every server instance. `work` runs
 * under a transaction-scoped advisory lock on `lockKey` (which works behind a transaction-mode pooler): it counts
 * the keys it decides by and records what it admits, and no other instance counts in between. Times are the
 * database's clock as each statement runs (not the transaction's start, which may be long past after a wait on the
 * lock), so instances whose clocks disagree count one window, and a few seconds more than the window are counted,
 * for the network between here and UniAuth.
 */
export function inWindow<T>(lockKey: string, windowSeconds: number, work: (window: Window) => Promise<T>): Promise<T> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))`;
    return work({
      tx,
      count: async (key) => {
        await tx.$executeRaw`
          DELETE FROM "RateEvent" WHERE key = ${key} AND at <= (clock_timestamp() AT TIME ZONE 'UTC') - make_interval(secs => ${windowSeconds + MARGIN_SECONDS})`;
        return countWindow(tx, key, windowSeconds);
      },
      add: (key) => addEvent(tx, key),
    });
  }, TRANSACTION);
}

/** Records one event of the key, now; its id. */
async function addEvent(client: Tx | typeof db, key: string): Promise<bigint> {
  const [row] = await client.$queryRaw<{ id: bigint }[]>`INSERT INTO "RateEvent" (key, at) VALUES (${key}, clock_timestamp() AT TIME ZONE 'UTC') RETURNING id`;
  return row!.id;
}

/** Takes back events recorded in advance (by id). */
export async function withdrawEvents(ids: bigint[]): Promise<void> {
  if (ids.length) await db.rateEvent.deleteMany({ where: { id: { in: ids } } });
}

/** The key's events within the window (and its margin). */
export async function countWindow(client: Tx | typeof db, key: string, windowSeconds: number): Promise<WindowCount> {
  const counted = windowSeconds + MARGIN_SECONDS;
  const [row] = await client.$queryRaw<{ used: number; freesInMs: number | null }[]>`
    SELECT count(*)::int AS used,
           (extract(epoch FROM min(at) + make_interval(secs => ${counted}) - (clock_timestamp() AT TIME ZONE 'UTC')) * 1000)::float8 AS "freesInMs"
    FROM "RateEvent" WHERE key = ${key} AND at > (clock_timestamp() AT TIME ZONE 'UTC') - make_interval(secs => ${counted})`;
  return { used: row?.used ?? 0, freesInMs: Math.max(0, Math.ceil(row?.freesInMs ?? 0)) };
}
