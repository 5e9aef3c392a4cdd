import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// `npm run auth:update` against a local "upstream": a small template repository whose kit goes from 1.0.0 to 1.1.0,
// and projects made from it (a clone with its history, a copy without). Real git, the real script, as a user runs it.
const projectRoot = path.resolve(import.meta.dirname, "../../..");
const tsx = path.join(projectRoot, "node_modules/.bin/tsx");
const script = path.join(projectRoot, "scripts/auth-update.ts");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "auth-update-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const IDENTITY = ["-c", "user.name=Test", "-c", "user.email=test@example.com"];
const git = async (cwd: string, ...args: string[]) => (await promisify(execFile)("git", [...IDENTITY, ...args], { cwd })).stdout;
const read = (repo: string, file: string) => readFileSync(path.join(repo, file), "utf8");
const write = (repo: string, files: Record<string, string>) => {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    writeFileSync(path.join(repo, file), text);
  }
};
const commit = async (repo: string, message: string) => {
  await git(repo, "add", "-A");
  await git(repo, "commit", "-qm", message);
};

const manifest = (version: string, removedFeatures?: string[]) =>
  JSON.stringify({ name: "kit", version, files: ["lib/auth/**", "prisma/migrations/**", "app/api/auth/**"], ...(removedFeatures && { removedFeatures }) }, null, 2);
const CHECK = ["export function check(value: string): boolean {", "  return value.length > 0;", "}", ""];
const TAIL = ["", "// Helpers below.", "export const SEPARATOR = \"/\";", ""];
const FEATURES = JSON.stringify({
  features: [{ name: "extra", description: "An optional feature", paths: ["lib/auth/features/extra", "app/api/auth/extra"], models: [], settings: [], requires: [] }],
  removed: [],
});

/** The template at kit 1.0.0, then 1.1.0: a fix in check.ts, a new migration, a new route, a feature's file changed. */
async function upstream(): Promise<string> {
  const repo = path.join(dir, "upstream");
  mkdirSync(repo);
  await git(repo, "init", "-q", "-b", "main");
  write(repo, {
    "package.json": JSON.stringify({ name: "app", authKit: { upstream: "unused" } }),
    "lib/auth/kit.json": manifest("1.0.0"),
    "lib/auth/CHANGELOG.md": "# Changelog\n\n## 1.0.0 — 2026-12-01\n\n- First.\n",
    "lib/auth/check.ts": [...CHECK, ...TAIL].join("\n"),
    "lib/auth/features/extra/extra.ts": "export const extra = 1;\n",
    "lib/auth/uses.ts": "export const core = 1;\nexport const usesExtra = 1; // feature:extra\n",
    "app/api/auth/extra/route.ts": "export const GET = () => new Response('1');\n",
    "scripts/features/features.json": FEATURES,
    "prisma/migrations/20261201000000_init/migration.sql": "CREATE TABLE a ();\n",
    "app/page.tsx": "export default function Page() { return null; }\n",
  });
  await commit(repo, "kit 1.0.0");
  write(repo, {
    "lib/auth/kit.json": manifest("1.1.0"),
    "lib/auth/CHANGELOG.md": "# Changelog\n\n## 1.1.0 — 2026-12-07\n\n- **Security:** check() refuses control characters.\n\n## 1.0.0 — 2026-12-01\n\n- First.\n",
    "lib/auth/check.ts": [...CHECK.slice(0, 1), "  return value.length > 0 && !/[\\x00-\\x1f]/.test(value);", ...CHECK.slice(2), ...TAIL].join("\n"),
    "lib/auth/features/extra/extra.ts": "export const extra = 2;\n",
    "lib/auth/uses.ts": "export const core = 2;\nexport const usesExtra = 2; // feature:extra\n",
    "app/api/auth/extra/route.ts": "export const GET = () => new Response('2');\n",
    "prisma/migrations/20261205000000_fix/migration.sql": "ALTER TABLE a ADD COLUMN b int;\n",
    "app/api/auth/new/route.ts": "export const GET = () => new Response(null);\n",
    "app/page.tsx": "export default function Page() { return 'upstream'; }\n",
  });
  await commit(repo, "kit 1.1.0");
  return repo;
}

/** A project made from the template at 1.0.0: a clone of that commit, or (`history: false`) a fresh repository of its files. */
async function project(upstreamRepo: string, { history = true } = {}): Promise<string> {
  const repo = path.join(dir, "project");
  await git(dir, "clone", "-q", upstreamRepo, repo);
  await git(repo, "reset", "-q", "--hard", "HEAD~1");
  if (!history) {
    rmSync(path.join(repo, ".git"), { recursive: true });
    await git(repo, "init", "-q", "-b", "main");
    await commit(repo, "Initial commit from the template");
  }
  return repo;
}

/** The script runs with a temporary folder of the test's own (TMPDIR), so another run of these tests cannot touch it. */
const scriptTmp = () => path.join(dir, "tmp");
const templateCopies = () => readdirSync(scriptTmp()).filter((name) => name.startsWith("auth-kit-upstream-"));

async function update(repo: string, ...args: string[]): Promise<{ code: number; output: string }> {
  mkdirSync(scriptTmp(), { recursive: true });
  const before = templateCopies();
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, [script, ...args], { cwd: repo, env: { ...process.env, TMPDIR: scriptTmp() } });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, output: stdout + stderr };
  } finally {
    expect(templateCopies(), "the template's copy is gone, whatever the outcome").toEqual(before);
  }
}

describe("npm run auth:update", () => {
  it("brings an untouched clone to the newest kit: its kit files become upstream's, files outside the kit stay", async () => {
    const up = await upstream();
    const repo = await project(up);
    // A path beside the project, as a user types it.
    const { code, output } = await update(repo, "--from", "../upstream", "--yes");
    expect(code).toBe(0);
    expect(output).toContain("Auth kit 1.0.0 → 1.1.0");
    expect(output).toContain("**Security:** check() refuses control characters.");
    expect(output).not.toContain("- First.");
    expect(output).toContain("npm test");
    for (const file of ["lib/auth/check.ts", "lib/auth/features/extra/extra.ts", "prisma/migrations/20261205000000_fix/migration.sql", "app/api/auth/new/route.ts"]) {
      expect(read(repo, file), file).toBe(await git(up, "show", `HEAD:${file}`));
    }
    expect(JSON.parse(read(repo, "lib/auth/kit.json")).version).toBe("1.1.0");
    expect(read(repo, "app/page.tsx")).toBe("export default function Page() { return null; }\n");
    await commit(repo, "Auth kit 1.1.0");
    expect((await update(repo, "--from", up, "--yes")).output).toContain("The auth kit is at 1.1.0, the newest version");
  }, 30_000);

  it("keeps the project's own edit to a kit file, merged with upstream's fix", async () => {
    const up = await upstream();
    const repo = await project(up);
    write(repo, { "lib/auth/check.ts": read(repo, "lib/auth/check.ts").replace('SEPARATOR = "/"', 'SEPARATOR = "::"') });
    await commit(repo, "Our separator");
    const { code, output } = await update(repo, "--from", up, "--yes");
    expect(code).toBe(0);
    expect(output).toMatch(/merge\s+lib\/auth\/check\.ts/);
    const merged = read(repo, "lib/auth/check.ts");
    expect(merged).toContain('SEPARATOR = "::"');
    expect(merged).toContain("!/[\\x00-\\x1f]/.test(value)");
    expect(merged).not.toContain("<<<<<<<");
  }, 30_000);

  it("leaves overlapping edits between conflict markers, and lists them", async () => {
    const up = await upstream();
    const repo = await project(up);
    write(repo, { "lib/auth/check.ts": read(repo, "lib/auth/check.ts").replace("return value.length > 0;", "return value.trim().length > 0;") });
    await commit(repo, "Our check");
    const { code, output } = await update(repo, "--from", up, "--yes");
    expect(code).toBe(0);
    expect(output).toMatch(/conflict\s+lib\/auth\/check\.ts \(1 conflict/);
    expect(output).toMatch(/Resolve the conflict markers in:\n\s+lib\/auth\/check\.ts/);
    expect(read(repo, "lib/auth/check.ts")).toMatch(/<<<<<<< yours\n.*value\.trim\(\)[\s\S]*=======\n[\s\S]*>>>>>>> kit 1\.1\.0/);
  }, 30_000);

  it("updates a copy without the template's history (GitHub's \"Use this template\") the same way", async () => {
    const up = await upstream();
    const repo = await project(up, { history: false });
    expect(await git(repo, "log", "--oneline")).toMatch(/^\w+ Initial commit from the template\n$/);
    const { code } = await update(repo, "--from", up, "--yes");
    expect(code).toBe(0);
    expect(read(repo, "lib/auth/check.ts")).toBe(await git(up, "show", "HEAD:lib/auth/check.ts"));
  }, 30_000);

  it("brings nothing back of a feature the project removed: its files, or its marked lines in shared files", async () => {
    const up = await upstream();
    const repo = await project(up);
    for (const removed of ["lib/auth/features/extra", "app/api/auth/extra"]) rmSync(path.join(repo, removed), { recursive: true });
    write(repo, { "lib/auth/kit.json": manifest("1.0.0", ["extra"]), "lib/auth/uses.ts": "export const core = 1;\n" });
    await commit(repo, "Remove the extra feature");
    const { code, output } = await update(repo, "--from", up, "--yes");
    expect(code, output).toBe(0);
    expect(existsSync(path.join(repo, "lib/auth/features/extra"))).toBe(false);
    expect(existsSync(path.join(repo, "app/api/auth/extra"))).toBe(false);
    expect(read(repo, "lib/auth/uses.ts")).toBe("export const core = 2;\n");
    expect(JSON.parse(read(repo, "lib/auth/kit.json"))).toMatchObject({ version: "1.1.0", removedFeatures: ["extra"] });
  }, 30_000);

  it("adds a new kit migration after the project's own newer ones", async () => {
    const up = await upstream();
    const repo = await project(up);
    write(repo, { "prisma/migrations/20261206000000_ours/migration.sql": "CREATE TABLE ours ();\n" });
    await commit(repo, "Our migration");
    const { output } = await update(repo, "--from", up, "--yes");
    expect(output).toContain("prisma/migrations/20261206000001_fix/migration.sql (upstream's prisma/migrations/20261205000000_fix/migration.sql, renamed");
    expect(read(repo, "prisma/migrations/20261206000001_fix/migration.sql")).toBe("ALTER TABLE a ADD COLUMN b int;\n");
    expect(existsSync(path.join(repo, "prisma/migrations/20261205000000_fix"))).toBe(false);
  }, 30_000);

  it("refuses, changing nothing: a dirty working tree, an unreachable upstream, an unknown version, a kit file the project deleted", async () => {
    const up = await upstream();
    const repo = await project(up);
    const unchanged = async () => expect(await git(repo, "status", "--porcelain")).toBe("");

    write(repo, { "notes.txt": "work in progress\n" });
    const dirty = await update(repo, "--from", up, "--yes");
    expect(dirty).toMatchObject({ code: 1, output: expect.stringContaining("uncommitted changes") });
    expect(read(repo, "lib/auth/check.ts")).toBe([...CHECK, ...TAIL].join("\n"));
    rmSync(path.join(repo, "notes.txt"));

    const unreachable = await update(repo, "--from", path.join(dir, "nowhere"), "--yes");
    expect(unreachable).toMatchObject({ code: 1, output: expect.stringContaining("The template's repository cannot be read") });
    await unchanged();

    const other = path.join(dir, "other");
    cpSync(up, other, { recursive: true });
    write(other, { "lib/auth/kit.json": manifest("2.0.0") });
    await git(other, "checkout", "-q", "--orphan", "fresh");
    await commit(other, "a template with another history");
    const unknown = await update(repo, "--from", other, "--yes");
    expect(unknown).toMatchObject({ code: 1, output: expect.stringContaining("Version 1.0.0 of the auth kit is not in") });
    await unchanged();

    rmSync(path.join(repo, "lib/auth/check.ts"));
    await commit(repo, "We deleted check.ts");
    const deleted = await update(repo, "--from", up, "--yes");
    expect(deleted).toMatchObject({ code: 1, output: expect.stringContaining("lib/auth/check.ts is a kit file this project deleted") });
    expect(deleted.output).toContain("nothing was changed");
    await unchanged();
    expect(existsSync(path.join(repo, "prisma/migrations/20261205000000_fix"))).toBe(false);
  }, 60_000);

  it("undoes every change when a write fails halfway", async () => {
    const up = await upstream();
    const repo = await project(up);
    // A file where upstream's new migration folder must go: that write fails, after the others were made.
    write(repo, { "prisma/migrations/20261205000000_fix": "in the way\n" });
    await commit(repo, "A file in the way");
    const { code, output } = await update(repo, "--from", up, "--yes");
    expect(code).toBe(1);
    expect(output).toContain("The update failed halfway and was undone");
    expect(await git(repo, "status", "--porcelain")).toBe("");
    expect(read(repo, "lib/auth/check.ts")).toBe([...CHECK, ...TAIL].join("\n"));
    expect(existsSync(path.join(repo, "app/api/auth/new"))).toBe(false);
  }, 30_000);

  it("asks before applying, and without a terminal asks for --yes", async () => {
    const up = await upstream();
    const repo = await project(up);
    const { code, output } = await update(repo, "--from", up);
    expect(code).toBe(2);
    expect(output).toMatch(/update\s+lib\/auth\/check\.ts/);
    expect(output).toContain("run again with --yes");
    expect(await git(repo, "status", "--porcelain")).toBe("");
  }, 30_000);
});
