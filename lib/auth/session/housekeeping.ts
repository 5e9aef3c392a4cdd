import { db } from "@/lib/db";
import { env } from "@/lib/env";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes expired Session rows, logout-token ids and sign-in states that no longer need remembering, rate counts
 * older than their window, and audit-trail events older than AUDIT_RETENTION_DAYS.
 */
export async function pruneExpired(now = new Date()) {
  const [sessions, logoutTokenIds, signInStates, rateEvents, authEvents] = await db.$transaction([
    db.session.deleteMany({ where: { expiresAt: { lte: now } } }),
    db.logoutTokenJti.deleteMany({ where: { expiresAt: { lte: now } } }),
    db.usedSignInState.deleteMany({ where: { expiresAt: { lte: now } } }),
    db.rateEvent.deleteMany({ where: { at: { lte: new Date(now.getTime() - env.UNIAUTH_RATE_WINDOW_SECONDS * 1000) } } }),
    db.authEvent.deleteMany({ where: { at: { lt: new Date(now.getTime() - env.AUDIT_RETENTION_DAYS * DAY_MS) } } }),
  ]);
  return { sessions: sessions.count, logoutTokenIds: logoutTokenIds.count, signInStates: signInStates.count, rateEvents: rateEvents.count, authEvents: authEvents.count };
}
