import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyProject } from "../../../scripts/features/copy";
import { type Feature, readManifest } from "../../../scripts/features/manifest";
import { findMarkers } from "../../../scripts/features/markers";
import { Tree } from "../../../scripts/features/tree";

// `npm run feature:remove` on copies of this project (docs/features.md): each feature removed from its own copy, which
// must then typecheck, with nothing of the feature left; and the requests it must refuse, changing nothing.
// (Every feature removed at once, with the core's tests run on what is left: `npm test -- removal`.)

const ROOT = process.cwd();
const WORK = mkdtempSync(path.join(os.tmpdir(), "feature-remove-test-"));
const FEATURES = readManifest(ROOT).features;
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function node(cwd: string, script: string, args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { cwd, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

const removeIn = (copy: string, ...args: string[]) => node(copy, "node_modules/tsx/dist/cli.mjs", ["scripts/feature-remove.ts", ...args]);

/** At most two removals at a time, one per core. */
let slots = 2;
const waiting: (() => void)[] = [];
async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (slots === 0) await new Promise<void>((resolve) => waiting.push(resolve));
  else slots--;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else slots++;
  }
}

function freshCopy(name: string): string {
  const copy = path.join(WORK, name);
  copyProject(ROOT, copy);
  return copy;
}

/** A digest of every file the command may touch (and the migrations), to show that a refusal changed nothing. */
function digest(copy: string): string {
  const hash = createHash("sha256");
  const tree = new Tree(copy);
  for (const file of tree.files()) hash.update(`${file}\0${tree.read(file)}\0`);
  for (const folder of readdirSync(path.join(copy, "prisma/migrations")).sort()) hash.update(`${folder}\0`);
  return hash.digest("hex");
}

/** Removes the feature from its own copy (named after it), and regenerates the Prisma client when models went. */
function removedCopy(feature: Feature) {
  return limited(async () => {
    const copy = freshCopy(feature.name);
    const removal = await removeIn(copy, feature.name);
    const generate = feature.models.length
      ? await node(copy, "node_modules/prisma/build/index.js", ["generate"], { PRISMA_SCHEMA_ENGINE_BINARY: process.execPath })
      : { code: 0, stdout: "", stderr: "" };
    return { copy, removal, generate };
  });
}

/**
 * Every copy typechecked at once, when all are removed: `tsc -b` checks several projects in one process and parses
 * what they share (node_modules' types) once, about half the work of a `tsc` per copy. Each error names its file by
 * the copy's folder, so by the feature removed.
 */
async function typecheckCopies(removals: Promise<unknown>[]) {
  await Promise.all(removals);
  return node(WORK, path.join(ROOT, "node_modules/typescript/bin/tsc"), ["-b", ...FEATURES.map((feature) => feature.name), "--pretty", "false"]);
}

// All started by the first test that needs one, two at a time; each test waits for its own. The type check starts as
// soon as the last removal is done.
let work: { removals: Map<string, ReturnType<typeof removedCopy>>; typecheck: ReturnType<typeof typecheckCopies> } | undefined;
function started() {
  if (!work) {
    const removals = new Map(FEATURES.map((feature) => [feature.name, removedCopy(feature)]));
    work = { removals, typecheck: typecheckCopies([...removals.values()]) };
  }
  return work;
}
const removalOf = (name: string) => started().removals.get(name)!;

for (const feature of FEATURES) describe(`npm run feature:remove -- ${feature.name}`, () => {
  const { name } = feature;
  it("removes it, and nothing of it is left", async () => {
    const { copy, removal, generate } = await removalOf(name);
    expect(removal.stderr).toBe("");
    expect(removal.code).toBe(0);
    expect(removal.stdout).toContain(`Removing ${name}: ${feature.description}`);
    expect(removal.stdout).toContain("npm run db:migrate");
    expect(removal.stdout).toContain("npm test");
    expect(generate.code, generate.stderr).toBe(0);

    for (const target of feature.paths) expect(existsSync(path.join(copy, target)), target).toBe(false);
    const tree = new Tree(copy);
    const markers = tree.files().flatMap((file) => findMarkers(tree.read(file)).filter((marker) => marker.feature === name).map((marker) => `${file}:${marker.line}`));
    expect(markers, "markers left").toEqual([]);
    expect(tree.read("lib/auth/installed.ts")).not.toContain(`features/${name}/`);

    // Its settings: read nowhere in the code, in no row of the settings table (the local UniAuth stand-in, which plays
    // UniAuth, keeps reading the budget's window setting as its own window).
    const code = tree.files().filter((file) => /\.(ts|tsx|mjs|prisma)$/.test(file) || file === ".env.example");
    const settingsTable = tree.read("docs/operations.md").split("\n").filter((line) => line.startsWith("| `"));
    for (const setting of feature.settings) {
      const naming = new RegExp(`\\b${setting}\\b`);
      expect(code.filter((file) => !file.startsWith("scripts/uniauth/") && naming.test(tree.read(file))), `files naming ${setting}`).toEqual([]);
      expect(settingsTable.filter((row) => naming.test(row)), `docs/operations.md rows naming ${setting}`).toEqual([]);
    }

    const schema = tree.read("prisma/schema.prisma");
    const migrations = readdirSync(path.join(copy, "prisma/migrations")).filter((folder) => folder.endsWith(`_remove_${name.replaceAll("-", "_")}`));
    for (const model of feature.models) {
      expect(schema).not.toMatch(new RegExp(`^model ${model} \\{`, "m"));
      expect(schema, `a field of type ${model}`).not.toMatch(new RegExp(`^\\s+\\w+\\s+${model}(\\[\\]|\\?)?(\\s|$)`, "m"));
    }
    if (feature.models.length) {
      expect(migrations).toHaveLength(1);
      const sql = readFileSync(path.join(copy, "prisma/migrations", migrations[0]!, "migration.sql"), "utf8");
      for (const model of feature.models) expect(sql).toContain(`DROP TABLE "${model}";`);
      // A foreign key a dropped table holds goes first.
      if (sql.includes("DROP CONSTRAINT")) expect(sql.indexOf("DROP CONSTRAINT")).toBeLessThan(sql.indexOf("DROP TABLE"));
      // After every migration there was.
      expect(readdirSync(path.join(copy, "prisma/migrations")).filter((folder) => /^\d{14}_/.test(folder)).sort().at(-1)).toBe(migrations[0]);
    } else {
      expect(migrations).toEqual([]);
    }

    // The auth kit's updater (npm run auth:update) brings none of its files back.
    const kit = JSON.parse(tree.read("lib/auth/kit.json")) as { files: string[]; removedFeatures: string[] };
    expect(kit.removedFeatures).toEqual([name]);
    for (const target of feature.paths) expect(kit.files).not.toContain(`${target}/**`);

    const manifest = readManifest(copy);
    expect(manifest.features.map((other) => other.name)).toEqual(FEATURES.map((other) => other.name).filter((other) => other !== name));
    expect(manifest.removed).toEqual([name]);
  }, 600_000);

  it("says so, exit 0, and changes nothing when asked again", async () => {
    const { copy } = await removalOf(name);
    const before = digest(copy);
    const again = await removeIn(copy, name);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`${name} is already removed`);
    expect(digest(copy)).toBe(before);
  }, 600_000);
});

// With made-up features of its own in the copy's manifest, so that it holds whatever is installed (every feature
// removed, in the removal lane's copy): one whose folder exists, and one that requires it. Each test runs the command
// once or twice, a second or two each alone, but beside the copies' type check (the last test): time to spare.
describe("npm run feature:remove refuses, and changes nothing", { timeout: 60_000 }, () => {
  const copy = freshCopy("refusals");
  const manifestFile = path.join(copy, "scripts/features/features.json");
  const json = JSON.parse(readFileSync(manifestFile, "utf8"));
  const fixture = { description: "A made-up feature of this test.", models: [], settings: [] };
  json.features.push(
    { ...fixture, name: "fixture-required", paths: ["fixture-required"], requires: [] },
    { ...fixture, name: "fixture-dependent", paths: [], requires: ["fixture-required"] },
  );
  writeFileSync(manifestFile, JSON.stringify(json, null, 2));
  mkdirSync(path.join(copy, "fixture-required"));
  writeFileSync(path.join(copy, "fixture-required/a.ts"), "export const a = 1;\n");
  const before = digest(copy);
  const refused = async (args: string[], code: number) => {
    const unchanged = digest(copy);
    const ran = await removeIn(copy, ...args);
    expect(ran.code, ran.stdout + ran.stderr).toBe(code);
    expect(ran.stderr).toContain("Nothing was changed.");
    expect(digest(copy)).toBe(unchanged);
    return ran.stderr;
  };

  it("an unknown name (exit 2), listing the features there are", async () => {
    const message = await refused(["no-such-feature"], 2);
    expect(message).toContain('No feature named "no-such-feature". The features installed are:');
    for (const feature of [...FEATURES, ...json.features]) expect(message).toContain(`  ${feature.name} `);
  });

  it("no name (exit 2), with the usage", async () => {
    expect(await refused([], 2)).toContain("Usage: npm run feature:remove -- <name>");
  });

  it("a feature another installed feature requires (exit 2), naming that feature", async () => {
    expect(await refused(["fixture-required"], 2)).toContain("fixture-required cannot be removed: fixture-dependent requires it");
    // Both at once is fine: nothing would be left requiring it (a dry run, so the copy stays as it is).
    const both = await removeIn(copy, "fixture-required", "fixture-dependent", "--dry-run");
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout).toContain("Would remove fixture-required");
    expect(digest(copy)).toBe(before);
  });

  it("an unbalanced marker, or one naming no installed feature (exit 1), with its file and line", async () => {
    const file = path.join(copy, "lib/access.ts");
    const original = readFileSync(file, "utf8");
    try {
      writeFileSync(file, `${original}// feature:fixture-required begin\n`);
      const line = original.split("\n").length;
      expect(await refused(["fixture-dependent"], 1)).toContain(`lib/access.ts:${line}: "feature:fixture-required begin" is never closed`);
      writeFileSync(file, `${original}// feature:no-such-feature\n`);
      expect(await refused(["fixture-dependent"], 1)).toContain('names "no-such-feature", which is not an installed feature');
    } finally {
      writeFileSync(file, original);
    }
    expect(digest(copy)).toBe(before);
  });
});

it("leaves each copy, without its one feature, to typecheck (tsc -b over the copies, named after the feature removed)", async () => {
  const { code, stdout, stderr } = await started().typecheck;
  expect(stdout + stderr, "tsc -b").toBe("");
  expect(code).toBe(0);
  // Built, not skipped as up to date: a copy has no type-checker cache until tsc -b writes one.
  for (const { name } of FEATURES) expect(existsSync(path.join(WORK, name, "tsconfig.tsbuildinfo")), `${name}/tsconfig.tsbuildinfo`).toBe(true);
}, 600_000);
