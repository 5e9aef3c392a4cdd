import "server-only";
import { requireSuperuser, requireUser } from "@/lib/auth";
import { stepUpStatus, requireStepUp, stepUpPolicy } from "@/lib/auth/features/step-up"; // feature:step-up
import { forgetDevicesOf } from "@/lib/auth/features/token-budget"; // feature:token-budget
import { recordAuthEvent } from "@/lib/auth/operator";
import { describeDevice } from "@/lib/data/user-agent";
import { db } from "@/lib/db";

export interface SessionSummary {
  id: string;
  device: string;
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
  /** When the user last signed in at UniAuth for this session, and how (`acr`, `amr`): set at sign-in and step-up. */
  authTime: Date | null;
  acr: string | null;
  amr: string[];
}

/** The signed-in user's live sessions, this device first. */
export async function listMySessions(): Promise<SessionSummary[]> {
  const { user, sessionId } = await requireUser();
  const sessions = await db.session.findMany({
    where: { userId: user.id, expiresAt: { gt: new Date() } },
    orderBy: { lastSeenAt: "desc" },
    select: { id: true, userAgent: true, createdAt: true, lastSeenAt: true, authTime: true, acr: true, amr: true },
  });
  return sessions
    .map(({ userAgent, ...session }) => ({ ...session, device: describeDevice(userAgent), current: session.id === sessionId }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

// feature:step-up begin
/** This session's last UniAuth sign-in, until when it allows sensitive actions, and what they ask for. */
export async function getMyStepUpStatus() {
  const { sessionId } = await requireUser();
  return { ...(await stepUpStatus(sessionId)), policy: stepUpPolicy };
}
// feature:step-up end

/** Ends one of the signed-in user's other sessions; someone else's session id matches nothing. */
export async function endMySession(id: string): Promise<boolean> {
  const { user, sessionId } = await requireUser();
  if (id === sessionId) return false;
  const { count } = await db.session.deleteMany({ where: { id, userId: user.id } });
  await recordAuthEvent({ event: "sessions.ended_by_user", userId: user.id, sessionId, sessionsEnded: count });
  return count === 1;
}

/** Ends every session of the signed-in user but this one. */
export async function endMyOtherSessions(): Promise<number> {
  const { user, sessionId } = await requireUser();
  const { count } = await db.session.deleteMany({ where: { userId: user.id, id: { not: sessionId } } });
  await recordAuthEvent({ event: "sessions.ended_by_user", userId: user.id, sessionId, sessionsEnded: count });
  return count;
}

/**
 * Superusers only (with a recent UniAuth sign-in: a sensitive action): ends every session of a user (they are
 * signed out everywhere on their next request), and forgets their devices: a copied device cookie is worth nothing.
 */
export async function endAllSessionsOf(userId: string): Promise<number> {
  const session = await requireSuperuser();
  await requireStepUp(session); // feature:step-up
  const { user } = session;
  const { count } = await db.session.deleteMany({ where: { userId } });
  const devicesForgotten = await forgetDevicesOf(userId); // feature:token-budget
  await recordAuthEvent({
    event: "sessions.ended_by_admin",
    actorUserId: user.id,
    userId,
    sessionsEnded: count,
    devicesForgotten, // feature:token-budget
  });
  return count;
}
