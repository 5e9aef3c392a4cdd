import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { z } from "zod";
import { type CheckResult, type DoctorInput, describeDatabase, fail, ok, reason, skip, warn } from "./check";

/** A row of Prisma's bookkeeping table, as `prisma migrate deploy` (and scripts/local/migrate.ts) write it. */
const migrationRow = z.object({
  migration_name: z.string(),
  checksum: z.string(),
  finished_at: z.date().nullable(),
  rolled_back_at: z.date().nullable(),
});
export type MigrationRow = z.infer<typeof migrationRow>;

export interface MigrationFolder {
  name: string;
  /** migration.sql as in the folder (null: the folder has none). */
  sql: string | null;
}

/** Prisma's checksum: the SHA-256 of migration.sql, taken with either line ending (as Prisma accepts both). */
function checksums(sql: string): string[] {
  const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
  return [sha256(sql), sha256(sql.replace(/\r\n/g, "\n"))];
}

/**
 * The folders against the table: every folder applied and finished, none failed (a failed migration blocks every
 * later `migrate deploy` until resolved), none applied that the folder lacks (the database is ahead of this code).
 * A rolled-back row is history, not state. A finished migration whose file changed since is only a warning.
 */
export function compareMigrations(folders: readonly MigrationFolder[], rows: readonly MigrationRow[]) {
  const live = rows.filter((row) => row.rolled_back_at === null);
  const finished = new Set(live.filter((row) => row.finished_at !== null).map((row) => row.migration_name));
  const names = new Set(folders.map((folder) => folder.name));
  return {
    pending: folders.filter((folder) => !finished.has(folder.name)).map((folder) => folder.name),
    failed: [...new Set(live.filter((row) => row.finished_at === null).map((row) => row.migration_name))],
    unknown: [...new Set(live.filter((row) => !names.has(row.migration_name)).map((row) => row.migration_name))],
    edited: folders
      .filter((folder) => folder.sql !== null && finished.has(folder.name))
      .filter((folder) => !live.some((row) => row.migration_name === folder.name && row.finished_at && checksums(folder.sql!).includes(row.checksum)))
      .map((folder) => folder.name),
  };
}

async function readFolders(migrationsDir: string): Promise<MigrationFolder[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(async (entry) => ({ name: entry.name, sql: await readFile(path.join(migrationsDir, entry.name, "migration.sql"), "utf8").catch(() => null) })),
  );
}

const list = (names: readonly string[]) => (names.length > 3 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : names.join(", "));

async function migrationsCheck(client: pg.Client, migrationsDir: string): Promise<CheckResult> {
  const folders = await readFolders(migrationsDir).catch(() => null);
  if (!folders) return fail("migrations", `no migrations folder at ${migrationsDir}`);
  const table = await client.query<{ exists: boolean }>(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists`);
  if (!table.rows[0]?.exists) return fail("migrations", "the database has no _prisma_migrations table: never migrated (npm run db:deploy)");
  const result = await client.query(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations`);
  const { pending, failed, unknown, edited } = compareMigrations(folders, z.array(migrationRow).parse(result.rows));
  const problems = [
    failed.length && `failed: ${list(failed)} (fix it, then \`prisma migrate resolve\`)`,
    pending.length && `not applied: ${list(pending)} (npm run db:deploy)`,
    unknown.length && `applied but not in prisma/migrations: ${list(unknown)} (the database is ahead of this code)`,
  ].filter(Boolean);
  if (problems.length) return fail("migrations", problems.join("; "));
  if (edited.length) return warn("migrations", `all ${folders.length} applied, but changed since: ${list(edited)}`);
  return ok("migrations", `all ${folders.length} in prisma/migrations applied, none failed, none unknown`);
}

/** The database the app uses (DATABASE_URL): reachable, and migrated as prisma/migrations says. */
export async function databaseChecks({ env, projectDir, migrationsDir, timeoutMs = 5_000 }: DoctorInput): Promise<CheckResult[]> {
  const url = env.DATABASE_URL?.trim();
  if (!url || !URL.canParse(url)) {
    const why = url ? "DATABASE_URL is not a URL" : "DATABASE_URL is not set";
    return [fail("database", why), skip("migrations", "no database to read")];
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  // A connection that breaks later would otherwise crash the process; the query that meets it fails instead.
  client.on("error", () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
    const reached = ok("database", `${describeDatabase(url)} answers (PostgreSQL ${rows[0]?.server_version ?? "?"})`);
    return [reached, await migrationsCheck(client, migrationsDir ?? path.join(projectDir, "prisma", "migrations")).catch((error) => fail("migrations", reason(error)))];
  } catch (error) {
    return [fail("database", `${describeDatabase(url)}: ${reason(error)}`), skip("migrations", "the database cannot be reached")];
  } finally {
    await client.end().catch(() => {});
  }
}
