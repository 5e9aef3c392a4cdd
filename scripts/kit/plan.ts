import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { MANIFEST_FILE as FEATURES_MANIFEST, parseManifest as parseFeatures } from "../features/manifest";
import { markedLines, withoutLines } from "../features/markers";
import { fileAt, filesAt, mergeText } from "./git";
import { KIT_MANIFEST, type KitManifest, kitFileMatcher } from "./manifest";
import type { Upstream } from "./upstream";

/** One change to the clone: a file written (added, updated, merged, or merged with conflicts) or deleted. */
export type Change =
  | { file: string; kind: "add" | "update" | "merge" | "conflict"; text: string; conflicts?: number; from?: string }
  | { file: string; kind: "delete" };

export interface Plan {
  changes: Change[];
  /** Files upstream deleted that the clone changed: kept as they are, listed. */
  kept: string[];
  /** Why the update cannot be made (nothing is written then). */
  problems: string[];
}

const MIGRATIONS = "prisma/migrations/";

/**
 * What bringing the kit from `base` (the release the clone is at) to upstream's newest takes, file by file: upstream's
 * version where the clone left the file as released; a three-way merge where both changed it; nothing where upstream
 * did not change it. Files outside the kit, and those of features the clone removed, are never touched; in the files
 * it does touch, the removed features' marked lines are left out of upstream's versions before anything is compared.
 * A kit file the clone deleted is a problem: the update is not made.
 */
export function planUpdate(root: string, local: KitManifest, upstream: Upstream, base: string, baseManifest: KitManifest): Plan {
  const target = upstream.head;
  const removed = removedPaths(upstream, local.removedFeatures);
  const kept = (matches: (file: string) => boolean) => (file: string) => matches(file) && !removed.some((path) => file === path || file.startsWith(`${path}/`));
  const [inBase, inTarget] = [kept(kitFileMatcher(baseManifest)), kept(kitFileMatcher(target.manifest))];
  const baseFiles = new Set(filesAt(upstream.dir, base).filter(inBase));
  const targetFiles = new Set(filesAt(upstream.dir, target.commit).filter(inTarget));
  const withoutRemoved = (file: string, text: string) => withoutFeatureLines(file, text, local.removedFeatures);
  const plan: Plan = { changes: [], kept: [], problems: [] };
  const labels: [string, string, string] = ["yours", `kit ${baseManifest.version}`, `kit ${target.manifest.version}`];
  const renamed = migrationRenames(root, [...targetFiles].filter((file) => !baseFiles.has(file)));

  for (const file of [...new Set([...baseFiles, ...targetFiles])].sort()) {
    if (file === KIT_MANIFEST) continue;
    const before = baseFiles.has(file) ? withoutRemoved(file, fileAt(upstream.dir, base, file)) : null;
    const after = targetFiles.has(file) ? withoutRemoved(file, fileAt(upstream.dir, target.commit, file)) : null;
    if (before === after) continue;
    const destination = renamed.get(file) ?? file;
    const mine = existsSync(path.join(root, destination)) ? readFileSync(path.join(root, destination), "utf8") : null;
    if (after === null) {
      if (mine === before) plan.changes.push({ file, kind: "delete" });
      else if (mine !== null) plan.kept.push(file);
    } else if (before !== null && mine === null) {
      plan.problems.push(`${file} is a kit file this project deleted; upstream changed it. Restore it (git checkout) or remove the feature it belongs to, then update again.`);
    } else if (mine === null || mine === before) {
      plan.changes.push({ file: destination, kind: before === null ? "add" : "update", text: after, ...(destination !== file && { from: file }) });
    } else if (mine !== after) {
      const merged = mergeText(mine, before ?? "", after, labels);
      plan.changes.push({ file: destination, kind: merged.conflicts ? "conflict" : "merge", text: merged.text, conflicts: merged.conflicts || undefined });
    }
  }
  return plan;
}

/** The files and folders of the features the clone removed, as upstream's feature manifest lists them. */
function removedPaths(upstream: Upstream, names: readonly string[]): string[] {
  if (!names.length) return [];
  let listed: { name: string; paths: string[] }[] = [];
  try {
    listed = parseFeatures(fileAt(upstream.dir, upstream.head.commit, FEATURES_MANIFEST)).features;
  } catch {
    // A template without a feature manifest: the feature folders alone.
  }
  return names.flatMap((name) => [`lib/auth/features/${name}`, ...(listed.find((feature) => feature.name === name)?.paths ?? [])]);
}

/** A file's text without the lines marked as the removed features' (`// feature:<name>` and blocks). */
function withoutFeatureLines(file: string, text: string, names: readonly string[]): string {
  if (!names.length) return text;
  const marked = markedLines(file, text, () => true);
  return withoutLines(text, new Set(names.flatMap((name) => [...(marked.get(name) ?? [])])));
}

/**
 * New upstream migrations that would sort before this project's newest one get a later timestamp, in their order:
 * Prisma applies migrations by name, and a kit migration must come after those it was written against.
 */
function migrationRenames(root: string, added: string[]): Map<string, string> {
  const folder = path.join(root, MIGRATIONS);
  const newest = existsSync(folder) ? readdirSync(folder).filter((name) => /^\d{14}_/.test(name)).sort().at(-1) : undefined;
  const folders = [...new Set(added.filter((file) => file.startsWith(MIGRATIONS)).map((file) => file.slice(MIGRATIONS.length).split("/")[0]!))].sort();
  const late = folders.filter((name) => newest && /^\d{14}_/.test(name) && name < newest);
  const renames = new Map<string, string>();
  let stamp = Number(newest?.slice(0, 14) ?? 0);
  for (const name of late) {
    const renamedFolder = `${++stamp}${name.slice(14)}`;
    for (const file of added.filter((candidate) => candidate.startsWith(`${MIGRATIONS}${name}/`))) {
      renames.set(file, file.replace(`${MIGRATIONS}${name}/`, `${MIGRATIONS}${renamedFolder}/`));
    }
  }
  return renames;
}
