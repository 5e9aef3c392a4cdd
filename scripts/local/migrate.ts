import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
} from "@prisma/driver-adapter-utils";
import * as glue from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { MigrationList, SchemaEngine, SchemasContainer } from "@prisma/schema-engine-wasm/schema_engine_bg";
import pg from "pg";

const projectDir = fileURLToPath(new URL("../..", import.meta.url));
const schemaFile = path.join(projectDir, "prisma", "schema.prisma");
const migrationsDir = path.join(projectDir, "prisma", "migrations");
const lockfileName = "migration_lock.toml";
const noFilters = { externalTables: [], externalEnums: [] };

let panicMessage = "";
let engineClass: typeof SchemaEngine | undefined;

// The package's own entry imports the .wasm file as an ES module, which Node only allows behind
// --experimental-wasm-modules, so the module is instantiated here against the same JS glue.
async function loadEngineClass(): Promise<typeof SchemaEngine> {
  if (engineClass) return engineClass;
  const gluePath = fileURLToPath(import.meta.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
  const bytes = await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
  const imports: WebAssembly.ModuleImports = { ...glue };
  // The engine never clears its timeouts (e.g. 10 s to take the migrations advisory lock), so they must not
  // keep Node running once the work is done.
  for (const name of Object.keys(imports).filter((key) => key.startsWith("__wbg_setTimeout_"))) {
    imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms).unref();
  }
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { "./schema_engine_bg.js": imports });
  // The engine's panic hook reports the Rust message here before the wasm traps with a bare "unreachable".
  Object.assign(globalThis, { PRISMA_WASM_PANIC_REGISTRY: { set_message: (message: string) => (panicMessage = message) } });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  engineClass = glue.SchemaEngine;
  return engineClass;
}

// Two gaps of adapter-pg 7.10 as the engine's driver, patched on each connection (performIO, client and onError
// are its internals; performIO is what queryRaw awaits):
// - it rejects Postgres's one-byte "char" type (OID 18), which the engine's catalog queries return
//   (pg_constraint.contype and the like) and read as characters;
// - executeScript splits scripts at every ";", breaking function bodies and string literals, where the native
//   engine sends a migration as one multi-statement query.
const pgChar = 18;
const pgText = 25;

interface PgAdapterInternals {
  client: pg.Pool;
  performIO: (query: SqlQuery) => Promise<pg.QueryArrayResult>;
  onError: (error: unknown) => never;
}

function patchAdapter<A extends SqlDriverAdapter>(adapter: A): A {
  const internals = adapter as unknown as PgAdapterInternals;
  const performIO = internals.performIO.bind(adapter);
  const queryRaw = adapter.queryRaw.bind(adapter);
  const charColumns = new WeakMap<SqlQuery, number[]>();
  internals.performIO = async (query) => {
    const result = await performIO(query);
    const columns = result.fields.flatMap((field, index) => (field.dataTypeID === pgChar ? [index] : []));
    for (const index of columns) result.fields[index]!.dataTypeID = pgText;
    charColumns.set(query, columns);
    return result;
  };
  adapter.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const index of charColumns.get(query) ?? []) result.columnTypes[index] = ColumnTypeEnum.Character;
    return result;
  };
  adapter.executeScript = async (script) => {
    await internals.client.query(script).catch((error: unknown) => internals.onError(error));
  };
  return adapter;
}

async function createDatabase(pool: pg.Pool, databaseUrl: string, prefix: string) {
  const url = new URL(databaseUrl);
  url.pathname = `/${prefix}_${randomUUID()}`;
  const name = `"${url.pathname.slice(1)}"`;
  await pool.query(`CREATE DATABASE ${name}`);
  return { url: url.href, drop: async () => void (await pool.query(`DROP DATABASE ${name}`)) };
}

function adapterFactory(databaseUrl: string, pool: pg.Pool): SqlMigrationAwareDriverAdapterFactory {
  const factory = new PrismaPg(pool);
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patchAdapter(await factory.connect()),
    // adapter-pg's own shadow database keeps the connection string, whose database name overrides the
    // shadow's, so the migrations would be replayed in the main database.
    connectToShadowDb: async () => {
      const database = await createDatabase(pool, databaseUrl, "prisma_migrate_shadow_db");
      const shadowPool = new pg.Pool({ connectionString: database.url });
      const shadow = patchAdapter(await new PrismaPg(shadowPool).connect());
      shadow.dispose = async () => {
        await shadowPool.end();
        await database.drop();
      };
      return shadow;
    },
  };
}

async function withEngine<T>(databaseUrl: string, run: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const Engine = await loadEngineClass();
  // Our own pool, so it can be closed: freeing the engine leaves the adapter's connections open.
  const pool = new pg.Pool({ connectionString: databaseUrl });
  try {
    const adapter = bindMigrationAwareSqlAdapterFactory(adapterFactory(databaseUrl, pool));
    const engine = await Engine.new({ datamodels: undefined }, () => {}, adapter);
    try {
      return await run(engine);
    } finally {
      engine.free();
    }
  } catch (error) {
    throw error instanceof WebAssembly.RuntimeError && panicMessage ? new Error(`Schema engine panic: ${panicMessage}`) : error;
  } finally {
    await pool.end();
  }
}

async function withScratchDatabase<T>(databaseUrl: string, run: (url: string) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ connectionString: databaseUrl });
  try {
    const scratch = await createDatabase(pool, databaseUrl, "prisma_migrate_scratch_db");
    try {
      return await run(scratch.url);
    } finally {
      await scratch.drop();
    }
  } finally {
    await pool.end();
  }
}

async function readSchema(schemaPath: string): Promise<SchemasContainer> {
  return { files: [{ path: schemaPath, content: await readFile(schemaPath, "utf8") }] };
}

// The same list the Prisma CLI builds from the migrations folder.
async function readMigrations(): Promise<MigrationList> {
  const lockfile = await readFile(path.join(migrationsDir, lockfileName), "utf8").catch(() => null);
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  const directories = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map(async (entry) => ({
        path: entry.name,
        migrationFile: {
          path: "migration.sql",
          content: await readFile(path.join(migrationsDir, entry.name, "migration.sql"), "utf8").then(
            (value) => ({ tag: "ok" as const, value }),
            (error: Error) => ({ tag: "error" as const, value: error.message }),
          ),
        },
      })),
  );
  return {
    baseDir: migrationsDir,
    lockfile: { path: lockfileName, content: lockfile },
    shadowDbInitScript: "",
    migrationDirectories: directories.sort((a, b) => a.path.localeCompare(b.path)),
  };
}

/** Applies the migrations in prisma/migrations the database lacks, with `prisma migrate deploy`'s bookkeeping; returns their names. */
export async function applyMigrations(databaseUrl: string): Promise<string[]> {
  const migrationsList = await readMigrations();
  return withEngine(databaseUrl, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: noFilters });
    return appliedMigrationNames;
  });
}

/** SQL that would bring prisma/migrations up to the schema ("" when they agree), replayed in a shadow database on that server. */
export async function pendingSchemaChanges(databaseUrl: string, schemaPath = schemaFile): Promise<string> {
  const [migrations, schema] = await Promise.all([readMigrations(), readSchema(schemaPath)]);
  return withEngine(databaseUrl, async (engine) => {
    const { exitCode, stdout } = await engine.diff({
      // The engine rejects a migrations folder without a lockfile; before the first migration that is "empty".
      from: migrations.lockfile.content === null ? { tag: "empty" } : { tag: "migrations", ...migrations },
      to: { tag: "schemaDatamodel", ...schema },
      script: true,
      exitCode: true,
      filters: noFilters,
    });
    return exitCode === 2 ? (stdout ?? "") : "";
  });
}

/** Writes prisma/migrations/<timestamp>_<name>/migration.sql as `prisma migrate dev --name` would (in scratch databases on that server); null when nothing changed. */
export async function createMigration(name: string, databaseUrl: string): Promise<string | null> {
  const [migrationsList, schema] = await Promise.all([readMigrations(), readSchema(schemaFile)]);
  // Unlike diff, the engine's createMigration cannot open a shadow database: it reuses the schema devDiagnostic
  // cached when it replayed the migrations the database has applied. Hence a scratch database with all of them.
  const migration = await withScratchDatabase(databaseUrl, (scratchUrl) =>
    withEngine(scratchUrl, async (engine) => {
      await engine.applyMigrations({ migrationsList, filters: noFilters });
      await engine.devDiagnostic({ migrationsList, filters: noFilters });
      return engine.createMigration({ draft: false, migrationName: name, migrationsList, schema, filters: noFilters });
    }),
  );
  if (migration.migrationScript === null) return null;

  const folder = path.join(migrationsDir, migration.generatedMigrationName);
  await mkdir(migrationsDir, { recursive: true });
  await mkdir(folder);
  await writeFile(path.join(folder, `migration.${migration.extension}`), migration.migrationScript);
  if (migrationsList.lockfile.content === null) {
    await writeFile(
      path.join(migrationsDir, lockfileName),
      "# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\n" +
        `provider = "${migration.connectorType}"\n`,
    );
  }
  return folder;
}
