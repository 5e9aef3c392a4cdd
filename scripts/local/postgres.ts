import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { loadEmbeddedPostgres } from "./postgres-binaries";

export interface LocalPostgres {
  url: string;
  stop: () => Promise<void>;
}

interface Options {
  /** A folder kept between runs (dev), or omitted for a throwaway cluster (tests). */
  dataDir?: string;
  port: number;
  database: string;
}

const isRoot = os.userInfo().uid === 0;

/**
 * Postgres refuses to run as root, so as root the cluster runs as a `postgres` user, which must be able
 * to reach its data folder: a folder under the system temp dir, never inside a clone under /root.
 */
export function defaultDataDir(projectDir: string, name: string): string {
  if (!isRoot) return path.join(projectDir, ".local", name);
  const key = createHash("sha256").update(projectDir).digest("hex").slice(0, 12);
  return path.join(os.tmpdir(), `uniauth-starter-${key}`, name);
}

export async function startEmbeddedPostgres({ dataDir, port, database }: Options): Promise<LocalPostgres> {
  const throwaway = !dataDir;
  const dir = dataDir ?? path.join(os.tmpdir(), `uniauth-starter-test-${process.pid}-${Date.now()}`);
  await assertPortFree(port);
  await mkdir(path.dirname(dir), { recursive: true, mode: 0o755 });

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: !throwaway,
    createPostgresUser: isRoot,
    onLog: () => {},
    onError: (error) => console.error(`[postgres] ${String(error).trim()}`),
  });
  const fresh = !existsSync(path.join(dir, "PG_VERSION"));
  if (fresh) await pg.initialise();
  await pg.start();
  if (fresh) await pg.createDatabase(database);

  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/${database}`,
    stop: async () => {
      await pg.stop();
      if (throwaway) await rm(dir, { recursive: true, force: true });
    },
  };
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", () =>
      reject(new Error(`Port ${port} is busy. Stop whatever uses it, or choose another port (see README).`)),
    );
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}
