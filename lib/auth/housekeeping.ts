import { db } from "@/lib/db";

/** Deletes expired Session rows and logout-token ids that no longer need remembering. */
export async function pruneExpired(now = new Date()): Promise<{ sessions: number; logoutTokenIds: number }> {
  const [sessions, logoutTokenIds] = await db.$transaction([
    db.session.deleteMany({ where: { expiresAt: { lte: now } } }),
    db.logoutTokenJti.deleteMany({ where: { expiresAt: { lte: now } } }),
  ]);
  return { sessions: sessions.count, logoutTokenIds: logoutTokenIds.count };
}
