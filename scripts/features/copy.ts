import { cpSync, linkSync, mkdirSync, readdirSync, readlinkSync, symlinkSync } from "node:fs";
import path from "node:path";

/** Not copied: installed or built things, local state, history, and the type checker's cache (its paths are this folder's). */
const LEFT_OUT = new Set(["node_modules", ".next", ".local", ".git", "tsconfig.tsbuildinfo", "test-results", "playwright-report"]);

/**
 * Copies the project at `root` to `dest` (which must not exist), as a fresh checkout with its dependencies installed:
 * without node_modules, .next, .local and .git, then node_modules as a symlink to the original's (enough for tsc,
 * ESLint and Vitest), or as a real folder of hard links (for `next build`: Turbopack may refuse a node_modules that
 * links out of the project).
 */
export function copyProject(root: string, dest: string, nodeModules: "symlink" | "hardlink" = "symlink"): void {
  cpSync(root, dest, { recursive: true, filter: (source) => path.dirname(source) !== root || !LEFT_OUT.has(path.basename(source)) });
  const modules = path.join(root, "node_modules");
  if (nodeModules === "symlink") symlinkSync(modules, path.join(dest, "node_modules"), "dir");
  else hardLinkTree(modules, path.join(dest, "node_modules"));
}

/** The folder's tree again, each file a hard link to the original's (each symlink copied as a symlink). */
function hardLinkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const [source, target] = [path.join(from, entry.name), path.join(to, entry.name)];
    if (entry.isDirectory()) hardLinkTree(source, target);
    // The link itself, as it reads: cpSync follows one to a folder (and refuses it without `recursive`).
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else linkSync(source, target);
  }
}
