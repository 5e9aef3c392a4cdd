import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Runs git in `cwd`, returning its output; throws with git's own message when it fails. */
export function git(cwd: string, args: string[]): string {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(stderr || (error as Error).message);
  }
}

/** Every file in a commit, by path. */
export function filesAt(repo: string, commit: string): string[] {
  return git(repo, ["ls-tree", "-r", "-z", "--name-only", commit]).split("\0").filter(Boolean);
}

/** A file's text in a commit. */
export function fileAt(repo: string, commit: string, file: string): string {
  return git(repo, ["show", `${commit}:${file}`]);
}

/**
 * A three-way merge of one file's text, as `git merge`'s: the clone's edits and upstream's both kept, overlapping ones
 * left between conflict markers.
 */
export function mergeText(ours: string, base: string, theirs: string, labels: [string, string, string]): { text: string; conflicts: number } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "auth-kit-merge-"));
  try {
    const files = [ours, base, theirs].map((text, n) => {
      const file = path.join(dir, String(n));
      writeFileSync(file, text);
      return file;
    });
    const args = ["merge-file", "-p", "-L", labels[0], "-L", labels[1], "-L", labels[2], ...files];
    try {
      return { text: execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }), conflicts: 0 };
    } catch (error) {
      // git merge-file exits with the number of conflicts (and prints the merged text all the same); above 127 it failed.
      const { status, stdout } = error as { status?: number; stdout?: string };
      if (!status || status > 127 || stdout === undefined) throw error;
      return { text: stdout, conflicts: status };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
