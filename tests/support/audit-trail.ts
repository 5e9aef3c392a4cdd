import type pg from "pg";

export interface TrailRow {
  kind: string;
  userId: string | null;
  actorUserId: string | null;
  sessionId: string | null;
  detail: Record<string, unknown>;
}

type Queryable = Pick<pg.Pool, "query">;

/** Where the audit trail stands now: pass it to `trailSince` to read what a test added. */
export async function trailMark(db: Queryable): Promise<string> {
  return (await db.query<{ max: string | null }>(`select max(id)::text as max from "AuthEvent"`)).rows[0]!.max ?? "0";
}

/** The audit trail's rows since `mark`, oldest first. */
export async function trailSince(db: Queryable, mark: string): Promise<TrailRow[]> {
  const { rows } = await db.query<TrailRow>(`select kind, "userId", "actorUserId", "sessionId", detail from "AuthEvent" where id > $1 order by id`, [mark]);
  return rows;
}
