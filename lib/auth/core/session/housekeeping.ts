import { hooks } from "@/lib/auth/core/features";
import { db } from "@/lib/db";

/**
 * Deletes expired Session rows and logout-token ids no longer worth remembering, and whatever rows the installed
 * features no longer need (sign-in states, rate counts, old audit events, devices not seen for a year): the counts.
 */
export async function pruneExpired(now = new Date()): Promise<Record<string, number>> {
  const [sessions, logoutTokenIds] = await db.$transaction([
    db.session.deleteMany({ where: { expiresAt: { lte: now } } }),
    db.logoutTokenJti.deleteMany({ where: { expiresAt: { lte: now } } }),
  ]);
  let counts: Record<string, number> = { sessions: sessions.count, logoutTokenIds: logoutTokenIds.count };
  for (const prune of hooks("prune")) counts = { ...counts, ...(await prune(now)) };
  return counts;
}
