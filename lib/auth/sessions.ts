import type { SessionUser } from "@/lib/auth/types";
import { db } from "@/lib/db";

const sessionUserSelect = {
  id: true,
  name: true,
  email: true,
  image: true,
  groups: true,
  isStaff: true,
  isSuperuser: true,
} as const;

export interface ActiveSession {
  id: string;
  createdAt: Date;
  expiresAt: Date;
  user: SessionUser;
}

/** The session registry's answer to "is this browser still signed in?", with the user's current roles. */
export function findActiveSession(id: string): Promise<ActiveSession | null> {
  return db.session.findFirst({
    where: { id, expiresAt: { gt: new Date() } },
    select: { id: true, createdAt: true, expiresAt: true, user: { select: sessionUserSelect } },
  });
}

/** Ends one session. Deleting a row that is already gone is not an error. */
export async function endSession(id: string): Promise<void> {
  await db.session.deleteMany({ where: { id } });
}

export { sessionUserSelect };
