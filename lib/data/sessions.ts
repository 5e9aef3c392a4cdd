import "server-only";
import { logAuthEvent } from "@/lib/auth/events";
import { requireSuperuser, requireUser } from "@/lib/auth/guards";
import { describeDevice } from "@/lib/data/user-agent";
import { db } from "@/lib/db";

export interface SessionSummary {
  id: string;
  device: string;
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
}

/** The signed-in user's live sessions, this device first. */
export async function listMySessions(): Promise<SessionSummary[]> {
  const { user, sessionId } = await requireUser();
  const sessions = await db.session.findMany({
    where: { userId: user.id, expiresAt: { gt: new Date() } },
    orderBy: { lastSeenAt: "desc" },
    select: { id: true, userAgent: true, createdAt: true, lastSeenAt: true },
  });
  return sessions
    .map(({ userAgent, ...session }) => ({ ...session, device: describeDevice(userAgent), current: session.id === sessionId }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

/** Ends one of the signed-in user's other sessions; someone else's session id matches nothing. */
export async function endMySession(id: string): Promise<boolean> {
  const { user, sessionId } = await requireUser();
  if (id === sessionId) return false;
  const { count } = await db.session.deleteMany({ where: { id, userId: user.id } });
  logAuthEvent({ event: "sessions.ended_by_user", userId: user.id, sessionId, sessionsEnded: count });
  return count === 1;
}

/** Ends every session of the signed-in user but this one. */
export async function endMyOtherSessions(): Promise<number> {
  const { user, sessionId } = await requireUser();
  const { count } = await db.session.deleteMany({ where: { userId: user.id, id: { not: sessionId } } });
  logAuthEvent({ event: "sessions.ended_by_user", userId: user.id, sessionId, sessionsEnded: count });
  return count;
}

/** Superusers only: ends every session of a user (they are signed out everywhere on their next request). */
export async function endAllSessionsOf(userId: string): Promise<number> {
  const { user } = await requireSuperuser();
  const { count } = await db.session.deleteMany({ where: { userId } });
  logAuthEvent({ event: "sessions.ended_by_admin", actorUserId: user.id, userId, sessionsEnded: count });
  return count;
}
