import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Never read nor touched: installed, built or generated, local state, history (old migrations are never edited). */
const SKIPPED_DIRS = new Set(["node_modules", ".next", ".local", ".git", "lib/generated", "prisma/migrations", "test-results", "playwright-report", "coverage"]);
const SKIPPED_FILES = new Set(["package-lock.json", "next-env.d.ts"]);
const BINARY = /\.(png|jpe?g|gif|webp|avif|ico|woff2?|ttf|otf|pdf|zip|gz|wasm|tsbuildinfo)$/i;

/**
 * The project's text files, read from disk and changed in memory: nothing is written until `write()`, so a removal
 * that fails halfway changes nothing. Paths are relative to the root, with `/`.
 */
export class Tree {
  private readonly changed = new Map<string, string | null>();
  private readonly onDisk: string[];

  constructor(readonly root: string) {
    this.onDisk = walk(root, "");
  }

  files(): string[] {
    const created = [...this.changed.keys()].filter((file) => !this.onDisk.includes(file));
    return [...this.onDisk, ...created].filter((file) => this.changed.get(file) !== null).sort();
  }

  exists(file: string): boolean {
    return this.changed.has(file) ? this.changed.get(file) !== null : existsSync(path.join(this.root, file));
  }

  read(file: string): string {
    const text = this.changed.get(file);
    if (text === null) throw new Error(`${file} was deleted`);
    return text ?? readFileSync(path.join(this.root, file), "utf8");
  }

  /** Files at or under `target` (a file or a folder). */
  under(target: string): string[] {
    const clean = target.replace(/\/+$/, "");
    return this.files().filter((file) => file === clean || file.startsWith(`${clean}/`));
  }

  /** The folders in `dir` (read from disk even where files() does not look, as in prisma/migrations), and new ones. */
  folders(dir: string): string[] {
    const full = path.join(this.root, dir);
    const onDisk = existsSync(full) ? readdirSync(full, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name) : [];
    const created = [...this.changed.keys()].filter((file) => file.startsWith(`${dir}/`)).map((file) => file.slice(dir.length + 1).split("/")[0]!);
    return [...new Set([...onDisk, ...created])];
  }

  set(file: string, text: string): void {
    this.changed.set(file, text);
  }

  delete(file: string): void {
    this.changed.set(file, null);
  }

  /** Writes every change, then removes the folders the deletions emptied. */
  write(): void {
    const emptied = new Set<string>();
    for (const [file, text] of this.changed) {
      const full = path.join(this.root, file);
      if (text === null) {
        rmSync(full, { force: true });
        for (let dir = path.dirname(file); dir !== "."; dir = path.dirname(dir)) emptied.add(dir);
      } else {
        mkdirSync(path.dirname(full), { recursive: true });
        writeFileSync(full, text);
      }
    }
    // Deepest first, so a parent emptied by its children's removal goes too.
    for (const dir of [...emptied].sort((a, b) => b.length - a.length)) {
      const full = path.join(this.root, dir);
      if (existsSync(full) && readdirSync(full).length === 0) rmdirSync(full);
    }
  }
}

function walk(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return SKIPPED_DIRS.has(relative) || SKIPPED_DIRS.has(entry.name) ? [] : walk(root, relative);
    if (!entry.isFile() || SKIPPED_FILES.has(entry.name) || BINARY.test(entry.name)) return [];
    return readFileSync(path.join(root, relative)).includes(0) ? [] : [relative];
  });
}
