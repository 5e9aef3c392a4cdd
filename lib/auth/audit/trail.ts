import "server-only";
import { type AuthEvent, type AuthEventKind, UNAUTHENTICATED_KINDS, eventFields, logAuthEvent } from "@/lib/auth/audit/events";
import { describeFailure } from "@/lib/auth/uniauth/failure";
import { pool } from "@/lib/db";
import type { AuthEvent as AuthEventRow } from "@/lib/generated/prisma/client";

// Prisma keeps DateTime as UTC `timestamp` columns: the time is the database's, in UTC, whatever its time zone.
// Unnamed, as FIND_ACTIVE_SESSION in session/store.ts: a named prepared statement breaks behind a transaction-mode pooler.
// Its columns are named after Prisma's AuthEvent model, so a column renamed in the schema fails the type check.
export const INSERT_AUTH_EVENT_COLUMNS = ["at", "kind", "userId", "actorUserId", "sessionId", "detail"] as const satisfies readonly (keyof AuthEventRow)[];
export const INSERT_AUTH_EVENT = {
  text: `INSERT INTO "AuthEvent" (${INSERT_AUTH_EVENT_COLUMNS.map((column) => `"${column}"`).join(", ")})
         VALUES (now() AT TIME ZONE 'UTC', $1, $2, $3, $4, $5)`,
};

/**
 * Events anyone can cause without signing in are stored at most this many times a minute per instance and kind,
 * so a flood of bad logout tokens cannot fill the table; the log keeps every one.
 */
export const UNAUTHENTICATED_EVENTS_PER_MINUTE = 120;
const stored = new Map<AuthEventKind, { minute: number; count: number }>();

function withinFloodLimit(kind: AuthEventKind, now = Date.now()): boolean {
  if (!UNAUTHENTICATED_KINDS.has(kind)) return true;
  const minute = Math.floor(now / 60_000);
  const current = stored.get(kind);
  const count = current?.minute === minute ? current.count + 1 : 1;
  stored.set(kind, { minute, count });
  return count <= UNAUTHENTICATED_EVENTS_PER_MINUTE;
}

/**
 * Logs an auth event and stores it in the audit trail (the AuthEvent table): one insert. Each event has a single
 * call site, where the request has done what the event says. Never throws: if the insert fails (the database
 * is down), the event is still in the log and the request goes on.
 */
export async function recordAuthEvent(event: AuthEvent): Promise<void> {
  logAuthEvent(event);
  const { event: kind, userId, actorUserId, sessionId, ...detail } = eventFields(event);
  if (!withinFloodLimit(kind)) return;
  try {
    await pool.query({ ...INSERT_AUTH_EVENT, values: [kind, userId ?? null, actorUserId ?? null, sessionId ?? null, detail] });
  } catch (error) {
    console.error(`The ${kind} event is not in the audit trail (database unreachable?):`, describeFailure(error));
  }
}
