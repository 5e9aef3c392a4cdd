import { existsSync } from "node:fs";
import path from "node:path";
import { MANIFEST_FILE, readManifest } from "./features/manifest";
import { MarkerError } from "./features/markers";
import { UsageError, checkMarkers, describe, planRemoval, resolve } from "./features/plan";
import { costs } from "./features/costs";
import { Tree } from "./features/tree";

// `npm run feature:remove -- <name> [<name>…]`: takes optional features out of this copy of the project, as listed in
// scripts/features/features.json (docs/features.md): their files and tests, their hooks in lib/auth/installed.ts, their models (with a
// new migration dropping their tables), their settings and every line marked for them in shared files. Everything is
// worked out first and written only if all of it could be: an error changes nothing. It needs no git.
// `--dry-run` prints what it would do; `--list` prints each feature with what it costs.
// Exit codes: 0 done (or every name already removed: nothing to do), 2 a wrong request (no such feature, one another
// installed feature requires, no name), 1 a project file the removal cannot work with (an unbalanced marker, say).
const args = process.argv.slice(2);
const flags = new Set(args.filter((arg) => arg.startsWith("--")));
const names = args.filter((arg) => !arg.startsWith("--"));
const root = process.cwd();

try {
  if (!existsSync(path.join(root, MANIFEST_FILE))) throw new Error(`No ${MANIFEST_FILE} in ${root}: run this from the project's root (npm run feature:remove -- <name>).`);
  const unknownFlags = [...flags].filter((flag) => !["--dry-run", "--list"].includes(flag));
  if (unknownFlags.length) throw new UsageError(`Unknown option ${unknownFlags.join(", ")}: use --dry-run or --list.`);
  const manifest = readManifest(root);
  const tree = new Tree(root);
  checkMarkers(tree, manifest);
  if (flags.has("--list")) {
    console.log(costs(tree, manifest));
    process.exit(0);
  }
  if (!names.length) throw new UsageError(`Usage: npm run feature:remove -- <name> [<name>…] [--dry-run]\nThe features installed are:\n${describe(manifest.features)}`);
  const { features, alreadyRemoved } = resolve(manifest, names);
  for (const name of alreadyRemoved) console.log(`${name} is already removed from this copy: nothing to do for it.`);
  if (!features.length) process.exit(0);

  const removals = planRemoval(tree, manifest, features);
  const dryRun = flags.has("--dry-run");
  for (const { feature, changes, stillMentioned } of removals) {
    console.log(`\n${dryRun ? "Would remove" : "Removing"} ${feature.name}: ${feature.description}`);
    const width = Math.max(...changes.map((change) => change.file.length));
    for (const change of changes) console.log(`  ${change.action.padEnd(8)} ${change.file.padEnd(width)}  ${change.detail}`);
    if (stillMentioned.length) {
      console.log(`  Still mentioned (look at these by hand):\n${stillMentioned.map((line) => `    ${line}`).join("\n")}`);
    }
  }
  if (dryRun) {
    console.log("\n--dry-run: nothing was written.");
    process.exit(0);
  }
  tree.write();
  console.log(`
Done. Next:
  npm run db:migrate   regenerates the Prisma client (npx prisma generate) and applies the new migration to the
                       development database when one runs; production deployments apply it at deploy
  npm test             the suite of what is left (npm run typecheck and npm run lint first, for a quick look)`);
} catch (error) {
  const usage = error instanceof UsageError;
  console.error(`${usage || error instanceof MarkerError ? "" : "feature:remove failed: "}${(error as Error).message}`);
  console.error("Nothing was changed.");
  process.exit(usage ? 2 : 1);
}
