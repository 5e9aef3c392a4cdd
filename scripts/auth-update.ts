import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { changesBetween } from "./kit/changelog";
import { fileAt, git } from "./kit/git";
import { KIT_CHANGELOG, KIT_MANIFEST, compareVersions, parseManifest } from "./kit/manifest";
import { type Change, type Plan, planUpdate } from "./kit/plan";
import { openUpstream, releaseOf } from "./kit/upstream";

// `npm run auth:update [-- --from <repository> --yes]`: brings this project's auth kit (lib/auth/kit.json) to the
// template's newest version, keeping this project's own edits (a three-way merge per file). All or nothing.
const USAGE = "Usage: npm run auth:update [-- --from <git URL or path>] [--yes]";

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

const { values: options } = (() => {
  try {
    return parseArgs({ options: { from: { type: "string" }, yes: { type: "boolean", short: "y" }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
})();
if (options.help) fail(USAGE, 0);

const root = (() => {
  try {
    return git(process.cwd(), ["rev-parse", "--show-toplevel"]).trim();
  } catch {
    return fail("auth:update works in a git repository: run `git init && git add -A && git commit -m start` first.");
  }
})();
if (git(root, ["status", "--porcelain"]).trim()) fail("The working tree has uncommitted changes: commit or stash them, so the update can be reviewed (and undone) on its own.");

const local = parseManifest(readFileSync(path.join(root, KIT_MANIFEST), "utf8"), KIT_MANIFEST);
const source = options.from ?? (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { authKit?: { upstream?: string } }).authKit?.upstream;
if (!source) fail(`No template repository: set "authKit": { "upstream": "<git URL>" } in package.json, or pass --from.`);

let upstream;
try {
  upstream = openUpstream(source);
} catch (error) {
  fail((error as Error).message);
}
// Every way out below ends in process.exit, which skips `finally`: the copy goes on exit.
process.on("exit", upstream.close);
const target = upstream.head.manifest;
if (compareVersions(target.version, local.version) <= 0) {
  console.log(`The auth kit is at ${local.version}, the newest version (${source}).`);
  process.exit(0);
}
const base = releaseOf(upstream, local.version);
if (!base) fail(`Version ${local.version} of the auth kit is not in ${source}'s history: is that the template this project came from?`);
const plan = planUpdate(root, local, upstream, base, parseManifest(fileAt(upstream.dir, base, KIT_MANIFEST), KIT_MANIFEST));
if (plan.problems.length) fail(`The update cannot be made; nothing was changed:\n${plan.problems.map((problem) => `  - ${problem}`).join("\n")}`);

console.log(`Auth kit ${local.version} → ${target.version} (from ${source})\n`);
console.log(changesBetween(fileAt(upstream.dir, upstream.head.commit, KIT_CHANGELOG), local.version, target.version).join("\n\n"), "\n");
console.log(describe(plan));
if (!options.yes && !(await confirmed())) fail("Nothing was changed.", 0);

apply(plan, { ...target, removedFeatures: local.removedFeatures });
const conflicts = plan.changes.filter((change) => change.kind === "conflict");
console.log(`\nThe auth kit is at ${target.version}.`);
if (conflicts.length) console.log(`Resolve the conflict markers in:\n${conflicts.map((change) => `  ${change.file}`).join("\n")}`);
console.log("Then: npx prisma generate (npm run dev applies new migrations), and npm test. Review with git diff; undo with git checkout . && git clean -fd.");

function describe({ changes, kept }: Plan): string {
  const lines = changes.map((change) => {
    if (change.kind === "delete") return `  delete    ${change.file}`;
    const note = change.kind === "conflict" ? ` (${change.conflicts} conflict${change.conflicts === 1 ? "" : "s"}: both changed the same lines)` : change.from ? ` (upstream's ${change.from}, renamed to come after your migrations)` : "";
    return `  ${change.kind.padEnd(9)} ${change.file}${note}`;
  });
  lines.push(...kept.map((file) => `  keep      ${file} (upstream deleted it; you changed it)`));
  return lines.length ? `What changes:\n${lines.join("\n")}` : "No file changes (the kit's version is all that moves).";
}

async function confirmed(): Promise<boolean> {
  if (!process.stdin.isTTY) fail("Not a terminal: run again with --yes to apply.", 2);
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await prompt.question("\nApply? [y/N] ");
  prompt.close();
  return /^y(es)?$/i.test(answer.trim());
}

/** Writes every change, and the new manifest; on any failure puts the tree back as it was (it was clean). */
function apply(plan: Plan, manifest: object): void {
  try {
    for (const change of plan.changes) writeChange(change);
    writeFileSync(path.join(root, KIT_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  } catch (error) {
    git(root, ["checkout", "--", "."]);
    git(root, ["clean", "-fdq"]);
    fail(`The update failed halfway and was undone (${(error as Error).message}).`);
  }
}

function writeChange(change: Change): void {
  const file = path.join(root, change.file);
  if (change.kind === "delete") return rmSync(file);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, change.text);
}
