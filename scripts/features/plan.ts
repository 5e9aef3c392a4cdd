import { INSTALLED_FILE, uninstall } from "./installed";
import { KIT_FILE, removeFromKit } from "./kit";
import { type Feature, type Manifest, MANIFEST_FILE, formatManifest, withoutFeatures } from "./manifest";
import { markedLines, withoutLines } from "./markers";
import { removeModels } from "./prisma-schema";
import type { Tree } from "./tree";

export const SCHEMA_FILE = "prisma/schema.prisma";
const MIGRATIONS_DIR = "prisma/migrations";

/** One line of the report: what happened to one file. */
export interface Change {
  file: string;
  action: "deleted" | "edited" | "written";
  detail: string;
}

export interface FeatureRemoval {
  feature: Feature;
  changes: Change[];
  /** Lines of remaining files that still name the feature's settings or folders: for the user to look at. */
  stillMentioned: string[];
}

/** Thrown for what the user asked wrong (exit 2); anything else is a failure of the project's files (exit 1). */
export class UsageError extends Error {}

const lineCount = (text: string) => text.split("\n").length - (text.endsWith("\n") ? 1 : 0);

/**
 * Checks every marker of the project (throws a MarkerError on the first unbalanced one or one naming no installed
 * feature), so a broken marker stops any removal, not only the removal of its own feature.
 */
export function checkMarkers(tree: Tree, manifest: Manifest): void {
  const installed = new Set(manifest.features.map((feature) => feature.name));
  for (const file of tree.files()) markedLines(file, tree.read(file), (name) => installed.has(name));
}

/** Which of the names can go now, and which already went; throws a UsageError for an unknown name or a requirement. */
export function resolve(manifest: Manifest, names: readonly string[]): { features: Feature[]; alreadyRemoved: string[] } {
  const installed = manifest.features.map((feature) => feature.name);
  const unknown = names.filter((name) => !installed.includes(name) && !manifest.removed.includes(name));
  if (unknown.length) {
    throw new UsageError(
      `No feature named ${unknown.map((name) => `"${name}"`).join(", ")}. The features installed are:\n${describe(manifest.features)}` +
        (manifest.removed.length ? `\nAlready removed: ${manifest.removed.join(", ")}.` : ""),
    );
  }
  const features = manifest.features.filter((feature) => names.includes(feature.name));
  for (const feature of features) {
    const dependents = manifest.features.filter((other) => other.requires.includes(feature.name) && !names.includes(other.name));
    if (dependents.length) {
      const list = dependents.map((other) => other.name).join(", ");
      throw new UsageError(`${feature.name} cannot be removed: ${list} ${dependents.length === 1 ? "requires" : "require"} it. Remove ${list} first, or together with it.`);
    }
  }
  return { features, alreadyRemoved: names.filter((name) => manifest.removed.includes(name)) };
}

export const describe = (features: readonly Feature[]) =>
  features.map((feature) => `  ${feature.name.padEnd(20)} ${feature.description}`).join("\n");

/**
 * Works out, in the tree (in memory), the removal of each feature in turn: its files, its hooks in installed.ts, its
 * models (and a migration dropping their tables), its marked lines everywhere, its entry in the manifest.
 */
export function planRemoval(tree: Tree, manifest: Manifest, features: readonly Feature[], now = new Date()): FeatureRemoval[] {
  let current = manifest;
  let migrationTime = nextMigrationTime(tree, now);
  return features.map((feature) => {
    const changes: Change[] = [];
    const edited = new Map<string, string[]>();
    const note = (file: string, detail: string) => edited.set(file, [...(edited.get(file) ?? []), detail]);

    for (const target of feature.paths) {
      const files = tree.under(target);
      if (!files.length) {
        changes.push({ file: target, action: "deleted", detail: "not there (deleted before?)" });
        continue;
      }
      const lines = files.reduce((sum, file) => sum + lineCount(tree.read(file)), 0);
      files.forEach((file) => tree.delete(file));
      const folder = files.length > 1 || files[0] !== target.replace(/\/+$/, "");
      changes.push({ file: folder ? `${target.replace(/\/+$/, "")}/` : target, action: "deleted", detail: folder ? `${files.length} files, ${lines} lines` : `${lines} lines` });
    }

    if (tree.exists(INSTALLED_FILE)) {
      const without = uninstall(tree.read(INSTALLED_FILE), feature.name);
      if (without !== null) {
        tree.set(INSTALLED_FILE, without);
        note(INSTALLED_FILE, "its import and its entry in installFeatures([…])");
      }
    }

    if (feature.models.length) {
      const removal = removeModels(tree.read(SCHEMA_FILE), feature.models);
      tree.set(SCHEMA_FILE, removal.schema);
      note(SCHEMA_FILE, `model ${removal.removedModels.join(", model ")}${removal.removedFields.length ? `; field ${removal.removedFields.join(", ")}` : ""}`);
      const migration = `${MIGRATIONS_DIR}/${stamp(migrationTime)}_remove_${feature.name.replaceAll("-", "_")}/migration.sql`;
      migrationTime = new Date(migrationTime.getTime() + 1000);
      tree.set(migration, `-- npm run feature:remove -- ${feature.name}: drops the tables of ${feature.models.join(", ")}.\n\n${removal.sql}`);
      changes.push({ file: migration, action: "written", detail: `drops ${feature.models.join(", ")}` });
    }

    const installed = new Set(current.features.map((other) => other.name));
    for (const file of tree.files()) {
      const text = tree.read(file);
      const lines = markedLines(file, text, (name) => installed.has(name)).get(feature.name);
      if (!lines) continue;
      tree.set(file, withoutLines(text, lines));
      note(file, `${lines.size} marked line${lines.size === 1 ? "" : "s"}`);
    }

    if (tree.exists(KIT_FILE)) {
      const kit = removeFromKit(tree.read(KIT_FILE), feature);
      if (kit) {
        tree.set(KIT_FILE, kit.text);
        note(KIT_FILE, `${feature.name} in removedFeatures${kit.globs.length ? `; files ${kit.globs.join(", ")}` : ""}`);
      }
    }

    current = withoutFeatures(current, [feature.name]);
    tree.set(MANIFEST_FILE, formatManifest(current));
    note(MANIFEST_FILE, `${feature.name} moved to "removed"`);

    for (const [file, details] of edited) changes.push({ file, action: "edited", detail: details.join("; ") });
    return { feature, changes, stillMentioned: stillMentioned(tree, feature) };
  });
}

/** Lines that still name the feature's settings or its folders (not the migrations, not the manifest). */
function stillMentioned(tree: Tree, feature: Feature): string[] {
  const words = [...feature.settings, ...feature.paths.filter((target) => !/\.\w+$/.test(target)).map((target) => target.replace(/\/+$/, ""))];
  if (!words.length) return [];
  const pattern = new RegExp(`(?<![\\w/-])(?:${words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})(?![\\w-])`);
  return tree
    .files()
    .filter((file) => file !== MANIFEST_FILE && file !== KIT_FILE)
    .flatMap((file) =>
      tree
        .read(file)
        .split("\n")
        .flatMap((line, index) => (pattern.test(line) ? [`${file}:${index + 1}: ${line.trim().slice(0, 120)}`] : [])),
    );
}

/** Migrations run in the order of their names: a new one is stamped after the newest, whatever this machine's clock says. */
function nextMigrationTime(tree: Tree, now: Date): Date {
  const newest = tree
    .folders(MIGRATIONS_DIR)
    .map((folder) => /^(\d{14})_/.exec(folder)?.[1])
    .filter((value): value is string => !!value)
    .sort()
    .at(-1);
  const second = new Date(Math.floor(now.getTime() / 1000) * 1000);
  if (!newest) return second;
  const [year, month, day, hour, minute, sec] = [0, 4, 6, 8, 10, 12].map((at) => Number(newest.slice(at, at === 0 ? 4 : at + 2)));
  const after = new Date(Date.UTC(year!, month! - 1, day, hour, minute, sec! + 1));
  return after > second ? after : second;
}

const stamp = (date: Date) => date.toISOString().replace(/\D/g, "").slice(0, 14);
