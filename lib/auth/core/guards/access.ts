import "server-only";
import type { Session } from "next-auth";
import type { SessionState } from "@/lib/auth/core/session/current";
import { isConnectionFailure } from "@/lib/database-errors";
import { AppError } from "@/lib/errors";

/** Any signed-in user by default; `check` throws the AppError to answer with (step-up's `steppedUp`). */
export interface AccessRule { role?: "staff" | "superuser"; check?: (session: Session) => Promise<void> }

export async function checkAccess(state: SessionState, rule: AccessRule): Promise<Session> {
  if (state.status === "unavailable") throw new AppError("service_unavailable", "The app cannot reach its database right now. Please try again in a minute.");
  if (state.status === "signed-out") throw new AppError("unauthenticated");
  const { session } = state;
  if (rule.role === "staff" && !session.user.isStaff) throw new AppError("forbidden");
  if (rule.role === "superuser" && !session.user.isSuperuser) throw new AppError("forbidden");
  await rule.check?.(session);
  return session;
}

/** What a wrapper answers for an error: an AppError as it is, an unreachable database as 503; null: a bug, rethrow. */
export function knownError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  return isConnectionFailure(error) ? new AppError("service_unavailable") : null;
}
