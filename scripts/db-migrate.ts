import net from "node:net";
import { applyMigrations, createMigration } from "./local/migrate";
import { startEmbeddedPostgres, type LocalPostgres } from "./local/postgres";

const usage = "Usage: npx tsx scripts/db-migrate.ts new <name> | deploy";
const [command, name = ""] = process.argv.slice(2);
if (command !== "deploy" && !(command === "new" && name)) {
  console.error(usage);
  process.exit(1);
}

// Creating a migration only borrows the server for scratch and shadow databases, so a throwaway one will do.
let local: LocalPostgres | undefined;
const databaseUrl =
  process.env.DATABASE_URL ||
  (local = await startEmbeddedPostgres({ port: await freePort(), database: "app" })).url;

try {
  if (command === "new") {
    const folder = await createMigration(name, databaseUrl);
    console.log(folder ? `Created ${folder}` : "The schema and the migrations agree: nothing to create.");
  } else {
    const applied = await applyMigrations(databaseUrl);
    console.log(applied.length ? `Applied: ${applied.join(", ")}` : "No pending migrations to apply.");
  }
} finally {
  await local?.stop();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
