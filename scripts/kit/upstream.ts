import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileAt, git } from "./git";
import { KIT_MANIFEST, type KitManifest, parseManifest } from "./manifest";

export interface Upstream {
  dir: string;
  /** The newest commit (the upstream's default branch) and its kit. */
  head: { commit: string; manifest: KitManifest };
  close(): void;
}

/** A copy of the template's repository (a URL git can fetch, or a local path), in a temporary folder. */
export function openUpstream(source: string): Upstream {
  const dir = mkdtempSync(path.join(os.tmpdir(), "auth-kit-upstream-"));
  const close = () => rmSync(dir, { recursive: true, force: true });
  try {
    // From the current folder, so a relative path names a folder beside the project (`--from ../template`).
    git(process.cwd(), ["clone", "--quiet", "--no-checkout", source, dir]);
    const commit = git(dir, ["rev-parse", "HEAD"]).trim();
    return { dir, head: { commit, manifest: parseManifest(fileAt(dir, commit, KIT_MANIFEST), `${source}: ${KIT_MANIFEST}`) }, close };
  } catch (error) {
    close();
    throw new Error(`The template's repository cannot be read (${source}): ${(error as Error).message}`);
  }
}

/**
 * The commit that released kit `version` upstream: the newest commit whose manifest says that version. Found from
 * the upstream's history alone, so it serves a clone with that history and a copy without it ("Use this template").
 */
export function releaseOf(upstream: Upstream, version: string): string | null {
  for (const commit of git(upstream.dir, ["log", "--format=%H", "HEAD", "--", KIT_MANIFEST]).split("\n").filter(Boolean)) {
    try {
      if (parseManifest(fileAt(upstream.dir, commit, KIT_MANIFEST), KIT_MANIFEST).version === version) return commit;
    } catch {
      // A commit whose manifest does not parse released nothing.
    }
  }
  return null;
}
