import { randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { applyMigrations, pendingSchemaChanges } from "../../scripts/local/migrate";
import { testEnv } from "../support/env";

describe("prisma/migrations", () => {
  it("agree with prisma/schema.prisma (run `npm run db:migrate -- <name>` after changing the schema)", async () => {
    expect(await pendingSchemaChanges(testEnv("DATABASE_URL"))).toBe("");
  });

  it("are all applied to the test database, so applying again does nothing", async () => {
    const folders = (await readdir("prisma/migrations", { withFileTypes: true })).filter((entry) => entry.isDirectory());
    expect(folders.length).toBeGreaterThan(0);
    expect(await applyMigrations(testEnv("DATABASE_URL"))).toEqual([]);
  });

  it("rename Session.tokensRefreshedAt to rolesReadAt, keeping each session's value and its index", async () => {
    const rolesReadAt = "2026-11-30 08:15:00";
    const rows = await afterMigrations("_roles_read_at", async (client) => {
      await client.query(`INSERT INTO "User" (id, email, "updatedAt") VALUES ('u', 'u@example.com', now())`);
      await client.query(`INSERT INTO "Session" (id, "userId", issuer, "expiresAt", "tokensRefreshedAt") VALUES ('s', 'u', 'i', now(), $1)`, [rolesReadAt]);
    });
    expect(rows.session).toEqual([{ rolesReadAt }]);
    expect(rows.indexes).toContain("Session_rolesReadAt_idx");
  });
});

/**
 * Replays the migrations in a scratch database: those before the one whose name ends with `suffix`, then `before`,
 * then the rest. The session row and the Session table's indexes as they are after all of them.
 */
async function afterMigrations(suffix: string, before: (client: pg.Client) => Promise<void>) {
  const folders = (await readdir("prisma/migrations", { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  const at = folders.findIndex((name) => name.endsWith(suffix));
  expect(at).toBeGreaterThan(0);
  const admin = new pg.Client({ connectionString: testEnv("DATABASE_URL") });
  const url = new URL(testEnv("DATABASE_URL"));
  url.pathname = `/migration_${randomUUID().replaceAll("-", "")}`;
  await admin.connect();
  await admin.query(`CREATE DATABASE "${url.pathname.slice(1)}"`);
  const client = new pg.Client({ connectionString: url.href });
  try {
    await client.connect();
    const run = async (name: string) => void (await client.query(await readFile(`prisma/migrations/${name}/migration.sql`, "utf8")));
    for (const name of folders.slice(0, at)) await run(name);
    await before(client);
    for (const name of folders.slice(at)) await run(name);
    const session = (await client.query(`SELECT "rolesReadAt"::text AS "rolesReadAt" FROM "Session"`)).rows;
    const indexes = (await client.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'Session'`)).rows.map((row) => row.indexname as string);
    return { session, indexes };
  } finally {
    await client.end();
    await admin.query(`DROP DATABASE "${url.pathname.slice(1)}"`);
    await admin.end();
  }
}
