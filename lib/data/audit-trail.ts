import "server-only";
import { z } from "zod";
import { requireSuperuser } from "@/lib/auth";
import { AUTH_EVENT_KINDS, type AuthEventKind } from "@/lib/auth/operator";
import { db } from "@/lib/db";

export const AUDIT_PAGE_SIZE = 50;

/** The trail's filters, from the page's query string: anything unreadable is no filter (or the first page). */
export const auditFilterSchema = z.object({
  kind: z.enum(AUTH_EVENT_KINDS).optional().catch(undefined),
  /** An email, or a user id (the trail names users who no longer exist by id). */
  user: z.string().trim().min(1).max(320).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

export type AuditFilter = z.infer<typeof auditFilterSchema>;

export interface AuditEntry {
  id: string;
  at: Date;
  kind: AuthEventKind;
  /** The user's email when the user still exists, else their id. */
  user: string | null;
  actor: string | null;
  sessionId: string | null;
  detail: Record<string, string | number | boolean | string[]>;
}

const detailSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])).catch({});

/**
 * Superusers only: the audit trail, newest first, a page at a time; filtered by kind and by a user (by email or
 * id, as the user the event is about or as the one who did it). `hasMore`: an older page exists.
 */
export async function listAuthEvents({ kind, user, page }: AuditFilter): Promise<{ entries: AuditEntry[]; hasMore: boolean; unknownUser: boolean }> {
  await requireSuperuser();
  const byEmail = user?.includes("@");
  const userId = byEmail ? (await db.user.findUnique({ where: { email: user!.toLowerCase() }, select: { id: true } }))?.id : user;
  if (byEmail && !userId) return { entries: [], hasMore: false, unknownUser: true };
  const rows = await db.authEvent.findMany({
    where: { ...(kind && { kind }), ...(userId && { OR: [{ userId }, { actorUserId: userId }] }) },
    orderBy: { id: "desc" },
    skip: (page - 1) * AUDIT_PAGE_SIZE,
    take: AUDIT_PAGE_SIZE + 1,
  });
  const named = [...new Set(rows.flatMap((row) => [row.userId, row.actorUserId]).filter((id): id is string => !!id))];
  const users = await db.user.findMany({ where: { id: { in: named } }, select: { id: true, email: true } });
  const emailOf = new Map(users.map((row) => [row.id, row.email]));
  const name = (id: string | null) => id && (emailOf.get(id) ?? id);
  return {
    entries: rows.slice(0, AUDIT_PAGE_SIZE).map((row) => ({
      id: row.id.toString(),
      at: row.at,
      kind: row.kind as AuthEventKind,
      user: name(row.userId),
      actor: name(row.actorUserId),
      sessionId: row.sessionId,
      detail: detailSchema.parse(row.detail),
    })),
    hasMore: rows.length > AUDIT_PAGE_SIZE,
    unknownUser: false,
  };
}
