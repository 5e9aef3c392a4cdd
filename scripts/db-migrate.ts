import { execFileSync } from "node:child_process";
import { freePort } from "./local/free-port";
import path from "node:path";
import nextEnv from "@next/env";
import pg from "pg";
import { applyMigrations, createMigration, pendingSchemaChanges } from "./local/migrate";
import { startEmbeddedPostgres } from "./local/postgres";

// `npm run db:migrate -- <name>`: after a change to prisma/schema.prisma, writes the migration as `prisma migrate dev
// --name <name>` would, applies it to the development database when one is reachable, and regenerates the client.
// It uses Prisma's schema engine compiled to WebAssembly, so it works without internet too.
const name = process.argv[2] ?? "";
if (process.argv.length > 3 || name.startsWith("-")) {
  console.error("Usage: npm run db:migrate -- <name>   (e.g. npm run db:migrate -- add_user_locale)");
  process.exit(2);
}

// The same files prisma.config.ts reads: while `npm run dev` runs, .env.development.local has its database's URL.
nextEnv.loadEnvConfig(process.cwd(), true, { info: () => {}, error: console.error });
const databaseUrl = process.env.DATABASE_URL;

// The migration is worked out in scratch databases on a throwaway server: it needs no rights on the real database.
const scratch = await startEmbeddedPostgres({ port: await freePort(), database: "app" });
let unnamed = false;
try {
  unnamed = !name && (await pendingSchemaChanges(scratch.url)) !== "";
  const folder = name ? await createMigration(name, scratch.url) : null;
  if (!unnamed) console.log(folder ? `Created ${path.relative(process.cwd(), folder)}` : "The schema and the migrations agree: no migration to create.");
} finally {
  await scratch.stop();
}
if (unnamed) {
  console.error("prisma/schema.prisma has changes no migration holds: name the migration, e.g. npm run db:migrate -- add_user_locale");
  process.exit(2);
}

if (!databaseUrl) {
  console.log("No DATABASE_URL (npm run dev is not running): nothing applied; npm run dev applies pending migrations when it starts.");
} else if (!(await reachable(databaseUrl))) {
  console.log(`${describe(databaseUrl)} is not reachable: nothing applied (npm run dev applies pending migrations when it starts).`);
} else {
  const applied = await applyMigrations(databaseUrl);
  console.log(applied.length ? `Applied to ${describe(databaseUrl)}: ${applied.join(", ")}` : `${describe(databaseUrl)} is up to date.`);
}

// `prisma generate` runs no native engine but looks for one, which machines without internet cannot download:
// any file satisfies the lookup (as in .ci/run).
execFileSync(process.execPath, ["node_modules/prisma/build/index.js", "generate"], {
  stdio: "inherit",
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath },
});

function describe(url: string): string {
  const { hostname, port, pathname } = new URL(url);
  return `the database ${pathname.slice(1)} at ${hostname}${port ? `:${port}` : ""}`;
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

