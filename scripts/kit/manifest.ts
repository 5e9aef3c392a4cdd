import { z } from "zod";

/** Where the kit says what it is: its version and its files (globs), relative to the project root. */
export const KIT_MANIFEST = "lib/auth/kit.json";
export const KIT_CHANGELOG = "lib/auth/CHANGELOG.md";

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

const manifestSchema = z.object({
  name: z.string().min(1),
  version: z.string().regex(VERSION, "a version like 1.2.3"),
  files: z.array(z.string().min(1)).min(1),
  /** Features this clone removed (`npm run feature:remove`): an update brings none of their files back. */
  removedFeatures: z.array(z.string()).default([]),
});

export type KitManifest = z.infer<typeof manifestSchema>;

export function parseManifest(text: string, where: string): KitManifest {
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${where} is not a kit manifest: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** -1, 0 or 1 as version `a` is older than, the same as, or newer than `b`. */
export function compareVersions(a: string, b: string): number {
  const [pa, pb] = [VERSION.exec(a)!.slice(1).map(Number), VERSION.exec(b)!.slice(1).map(Number)];
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! < pb[i]! ? -1 : 1;
  return 0;
}

/** A glob with `*` (within a folder) and `**` (any depth) as a RegExp over paths with forward slashes. */
function globToRegExp(glob: string): RegExp {
  const pattern = glob
    .split("**")
    .map((part) => part.replace(/[.+^${}()|[\]\\?]/g, "\\$&").replace(/\*/g, "[^/]*"))
    .join(".*");
  return new RegExp(`^${pattern}$`);
}

/** Whether the manifest counts `path` as a kit file. */
export function kitFileMatcher(manifest: KitManifest): (path: string) => boolean {
  const globs = manifest.files.map(globToRegExp);
  return (path) => globs.some((glob) => glob.test(path));
}
