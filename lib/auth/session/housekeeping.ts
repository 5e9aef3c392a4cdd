import { db } from "@/lib/db";
import { env } from "@/lib/env";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes expired Session rows, logout-token ids that no longer need remembering, and audit-trail events older
 * than AUDIT_RETENTION_DAYS.
 */
export async function pruneExpired(now = new Date()): Promise<{ sessions: number; logoutTokenIds: number; authEvents: number }> {
  const [sessions, logoutTokenIds, authEvents] = await db.$transaction([
    db.session.deleteMany({ where: { expiresAt: { lte: now } } }),
    db.logoutTokenJti.deleteMany({ where: { expiresAt: { lte: now } } }),
    db.authEvent.deleteMany({ where: { at: { lt: new Date(now.getTime() - env.AUDIT_RETENTION_DAYS * DAY_MS) } } }),
  ]);
  return { sessions: sessions.count, logoutTokenIds: logoutTokenIds.count, authEvents: authEvents.count };
}
