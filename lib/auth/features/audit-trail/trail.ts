import "server-only";
import { isIP } from "node:net";
import { type AuthEvent, type AuthEventKind, UNAUTHENTICATED_KINDS, eventFields, logAuthEvent } from "@/lib/auth/core/events";
import { describeFailure } from "@/lib/auth/core/uniauth/failure";
import { pool } from "@/lib/db";
import { UNKNOWN_SOURCE, clientIp } from "@/lib/http/client-ip";
import type { AuthEvent as AuthEventRow } from "@/lib/generated/prisma/client";

// Prisma keeps DateTime as UTC `timestamp` columns: the time is the database's, in UTC, whatever its time zone.
// Unnamed, as FIND_ACTIVE_SESSION in lib/auth/core/session/store.ts: a named prepared statement breaks behind a transaction-mode pooler.
// Its columns are named after Prisma's AuthEvent model, so a column renamed in the schema fails the type check.
export const INSERT_AUTH_EVENT_COLUMNS = ["at", "kind", "userId", "actorUserId", "sessionId", "detail"] as const satisfies readonly (keyof AuthEventRow)[];
export const INSERT_AUTH_EVENT = {
  text: `INSERT INTO "AuthEvent" (${INSERT_AUTH_EVENT_COLUMNS.map((column) => `"${column}"`).join(", ")})
         VALUES (now() AT TIME ZONE 'UTC', $1, $2, $3, $4, $5) RETURNING "id"`,
};
const UPDATE_DROPPED_COUNT = { text: `UPDATE "AuthEvent" SET "detail" = jsonb_set("detail", '{count}', to_jsonb($2::int)) WHERE "id" = $1` };

/**
 * Events anyone can cause without signing in are stored at most this many times a minute per instance, kind and
 * source (the client's IP), so one client cannot fill the table, nor use up the cap and hide another's refusal.
 * Past the cap the log still gets every one, and the trail gets one `audit.dropped` row per kind, source and minute
 * whose count says how many were left out.
 */
export const UNAUTHENTICATED_EVENTS_PER_MINUTE = 120;
/** Sources tracked per kind and minute; past this, further sources share one cap (memory and rows stay bounded). */
const MAX_SOURCES_PER_MINUTE = 1000;
export const OVERFLOW_SOURCE = "other";

interface Burst {
  stored: number;
  dropped: number;
  /** The count the audit.dropped row says, once written. */
  written: number;
  rowId?: string;
  writing?: Promise<void>;
}
let minuteOfCounts = -1;
const counts = new Map<string, Burst>();

function burstOf(kind: AuthEventKind, source: string, now: number): { burst: Burst; source: string; minute: number } {
  const minute = Math.floor(now / 60_000);
  if (minute !== minuteOfCounts) {
    counts.clear();
    minuteOfCounts = minute;
  }
  let key = `${kind} ${source}`;
  if (!counts.has(key) && counts.size >= MAX_SOURCES_PER_MINUTE) {
    source = OVERFLOW_SOURCE;
    key = `${kind} ${source}`;
  }
  let burst = counts.get(key);
  if (!burst) counts.set(key, (burst = { stored: 0, dropped: 0, written: 0 }));
  return { burst, source, minute };
}

/** Writes the burst's audit.dropped row (first drop) or brings its count up to date; one writer at a time per burst. */
function writeDropped(burst: Burst, kind: AuthEventKind, source: string, minute: number): Promise<void> {
  burst.writing ??= (async () => {
    try {
      while (burst.written < burst.dropped) {
        const count = burst.dropped;
        if (burst.rowId === undefined) {
          const event = { event: "audit.dropped", kind, source, minute: new Date(minute * 60_000).toISOString(), count } as const;
          logAuthEvent(event);
          const { event: _, ...detail } = eventFields(event);
          const { rows } = await pool.query<{ id: string }>({ ...INSERT_AUTH_EVENT, values: ["audit.dropped", null, null, null, detail] });
          burst.rowId = rows[0]!.id;
        } else {
          await pool.query({ ...UPDATE_DROPPED_COUNT, values: [burst.rowId, count] });
        }
        burst.written = count;
      }
    } catch (error) {
      console.error(`The count of dropped ${kind} events is not in the audit trail (database unreachable?):`, describeFailure(error));
    } finally {
      burst.writing = undefined;
    }
  })();
  return burst.writing;
}

/**
 * Stores an auth event (already logged) in the audit trail, the AuthEvent table: one insert. Never throws: if the
 * insert fails (the database is down), the event is still in the log and the request goes on. `source` (an IP) is
 * read from the request when not given; only events anyone can cause unauthenticated use it.
 */
export async function storeAuthEvent(event: AuthEvent, source?: string): Promise<void> {
  const { event: kind, userId, actorUserId, sessionId, ...detail } = eventFields(event);
  if (UNAUTHENTICATED_KINDS.has(kind)) {
    const given = source !== undefined && isIP(source) ? source : source === undefined ? await clientIp() : UNKNOWN_SOURCE;
    const { burst, source: counted, minute } = burstOf(kind, given, Date.now());
    if (burst.stored >= UNAUTHENTICATED_EVENTS_PER_MINUTE) {
      burst.dropped++;
      // A writer already under way picks this drop up; awaiting it keeps the count current when the caller goes on.
      await (burst.writing ?? writeDropped(burst, kind, counted, minute));
      if (burst.written < burst.dropped) await writeDropped(burst, kind, counted, minute);
      return;
    }
    burst.stored++;
  }
  try {
    await pool.query({ ...INSERT_AUTH_EVENT, values: [kind, userId ?? null, actorUserId ?? null, sessionId ?? null, detail] });
  } catch (error) {
    console.error(`The ${kind} event is not in the audit trail (database unreachable?):`, describeFailure(error));
  }
}
