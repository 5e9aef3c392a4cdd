import "server-only";
import type { AuthFeature } from "@/lib/auth/core/features";
import { storeAuthEvent } from "@/lib/auth/features/audit-trail/trail";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The audit trail: every auth event (already a log line) also stored in the AuthEvent table, for /admin. */
export const feature: AuthFeature = {
  name: "audit-trail",
  recordEvent: (event) => storeAuthEvent(event),
  async prune(now) {
    const { count } = await db.authEvent.deleteMany({ where: { at: { lt: new Date(now.getTime() - env.AUDIT_RETENTION_DAYS * DAY_MS) } } });
    return { authEvents: count };
  },
};
