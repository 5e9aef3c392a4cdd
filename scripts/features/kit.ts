import type { Feature } from "./manifest";

/** The auth kit's manifest (`npm run auth:update`, docs/updating.md), when the project has one. */
export const KIT_FILE = "lib/auth/kit.json";

/**
 * The kit's manifest without a removed feature: its name added to `removedFeatures` (an update brings none of its
 * files back), and the `files` globs that name one of the feature's own paths (`app/invoices/**`) taken out. Null when
 * the text is not a kit manifest.
 */
export function removeFromKit(text: string, feature: Feature): { text: string; globs: string[] } | null {
  const kit = JSON.parse(text) as { files?: unknown; removedFeatures?: unknown };
  if (!Array.isArray(kit.files)) return null;
  const ownGlob = (glob: unknown) => feature.paths.some((target) => glob === target || glob === `${target.replace(/\/+$/, "")}/**`);
  const globs = kit.files.filter(ownGlob) as string[];
  kit.files = kit.files.filter((glob) => !ownGlob(glob));
  const removed = Array.isArray(kit.removedFeatures) ? (kit.removedFeatures as string[]) : [];
  kit.removedFeatures = removed.includes(feature.name) ? removed : [...removed, feature.name];
  return { text: `${JSON.stringify(kit, null, 2)}\n`, globs };
}
