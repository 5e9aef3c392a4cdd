import { hooks } from "@/lib/auth/core/features";
import { db } from "@/lib/db";

/** Deletes expired sessions and logout-token ids, and the rows the installed features no longer need: the counts. */
export async function pruneExpired(now = new Date()): Promise<Record<string, number>> {
  const [sessions, logoutTokenIds] = await db.$transaction([
    db.session.deleteMany({ where: { expiresAt: { lte: now } } }),
    db.logoutTokenJti.deleteMany({ where: { expiresAt: { lte: now } } }),
  ]);
  let counts: Record<string, number> = { sessions: sessions.count, logoutTokenIds: logoutTokenIds.count };
  for (const prune of hooks("prune")) counts = { ...counts, ...(await prune(now)) };
  return counts;
}
