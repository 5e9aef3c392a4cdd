import "server-only";
import { type AuthEvent, eventFields, logAuthEvent } from "@/lib/auth/events";
import { describeFailure } from "@/lib/auth/uniauth-client";
import { pool } from "@/lib/db";

// Prisma keeps DateTime as UTC `timestamp` columns: the time is the database's, in UTC, whatever its time zone.
const INSERT_AUTH_EVENT = {
  name: "insert-auth-event",
  text: `INSERT INTO "AuthEvent" (at, kind, "userId", "actorUserId", "sessionId", detail)
         VALUES (now() AT TIME ZONE 'UTC', $1, $2, $3, $4, $5)`,
};

/**
 * Logs an auth event and stores it in the audit trail (the AuthEvent table): one insert. Each event has a single
 * call site, where the request has done what the event says. Never throws: if the insert fails (the database
 * is down), the event is still in the log and the request goes on.
 */
export async function recordAuthEvent(event: AuthEvent): Promise<void> {
  logAuthEvent(event);
  const { event: kind, userId, actorUserId, sessionId, ...detail } = eventFields(event);
  try {
    await pool.query({ ...INSERT_AUTH_EVENT, values: [kind, userId ?? null, actorUserId ?? null, sessionId ?? null, detail] });
  } catch (error) {
    console.error(`The ${kind} event is not in the audit trail (database unreachable?):`, describeFailure(error));
  }
}
