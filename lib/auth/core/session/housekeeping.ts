import { db } from "@/lib/db";
import { env } from "@/lib/env";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes expired Session rows, logout-token ids and sign-in states that no longer need remembering, rate counts
 * older than their window, audit-trail events older than AUDIT_RETENTION_DAYS, and devices not signed in from for a year.
 */
export async function pruneExpired(now = new Date()) {
  const [sessions, logoutTokenIds, signInStates, rateEvents, authEvents, knownDevices] = await db.$transaction([
    db.session.deleteMany({ where: { expiresAt: { lte: now } } }),
    db.logoutTokenJti.deleteMany({ where: { expiresAt: { lte: now } } }),
    db.usedSignInState.deleteMany({ where: { expiresAt: { lte: now } } }),
    // A minute past the window: the budget counts a margin past it, in the database's clock (lib/auth/features/token-budget/window.ts).
    db.rateEvent.deleteMany({ where: { at: { lte: new Date(now.getTime() - env.UNIAUTH_RATE_WINDOW_SECONDS * 1000 - 60_000) } } }),
    db.authEvent.deleteMany({ where: { at: { lt: new Date(now.getTime() - env.AUDIT_RETENTION_DAYS * DAY_MS) } } }),
    db.knownDevice.deleteMany({ where: { expiresAt: { lte: now } } }),
  ]);
  return { sessions: sessions.count, logoutTokenIds: logoutTokenIds.count, signInStates: signInStates.count, rateEvents: rateEvents.count, authEvents: authEvents.count, knownDevices: knownDevices.count };
}
