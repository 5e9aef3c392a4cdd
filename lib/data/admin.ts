import "server-only";
import { requireStaff, requireSuperuser } from "@/lib/auth";
import { tokenBudget } from "@/lib/auth/features/token-budget"; // feature:token-budget
import { db } from "@/lib/db";
import { env } from "@/lib/env";

const PAGE_SIZE = 200;

/** Staff only: every user with their roles, and whether there is anything to end: live sessions (or known devices). */
export async function listUsers() {
  await requireStaff();
  const now = new Date();
  const users = await db.user.findMany({
    orderBy: { email: "asc" },
    take: PAGE_SIZE,
    select: {
      id: true,
      email: true,
      name: true,
      groups: true,
      isStaff: true,
      isSuperuser: true,
      lastSignInAt: true,
      _count: {
        select: {
          sessions: { where: { expiresAt: { gt: now } } },
          knownDevices: true, // feature:token-budget
        },
      },
    },
  });
  return users.map(({ _count, ...user }) => ({
    ...user,
    activeSessions: _count.sessions,
    endable: [
      _count.sessions,
      // A signed-out user's devices still sign in from the known-device share: ending forgets them too.
      _count.knownDevices, // feature:token-budget
    ].some((count) => count > 0),
  }));
}

/** Superusers only: the state of the session registry, which UniAuth the app trusts (and its token budget). */
export async function getRegistryOverview() {
  await requireSuperuser();
  const now = new Date();
  const [
    activeSessions,
    expiredSessions,
    budget, // feature:token-budget
  ] = await Promise.all([
    db.session.count({ where: { expiresAt: { gt: now } } }),
    db.session.count({ where: { expiresAt: { lte: now } } }),
    tokenBudget(), // feature:token-budget
  ]);
  return {
    issuer: env.UNIAUTH_ISSUER,
    clientId: env.UNIAUTH_CLIENT_ID,
    activeSessions,
    expiredSessions,
    budget, // feature:token-budget
  };
}
