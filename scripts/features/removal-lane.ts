import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { copyProject } from "./copy";
import { readManifest } from "./manifest";

/**
 * `npm test -- removal`: every optional feature removed at once from a temporary copy of the project, then the core's
 * own checks there: typecheck, lint, and the fast lane (unit and integration tests, `next build`, the @smoke browser
 * journey), on the same ports as any run here (TEST_PORT_OFFSET). Returns the exit code; prints how long each part took
 * and, last, the fast lane's counts line (CI reads it).
 */
export async function runRemovalLane(root: string): Promise<number> {
  const started = Date.now();
  const times: string[] = [];
  const dest = path.join(mkdtempSync(path.join(os.tmpdir(), "uniauth-removal-")), "app");
  const part = async (name: string, work: () => Promise<void> | void) => {
    const at = Date.now();
    console.log(`\n════ removal lane: ${name} ════`);
    try {
      await work();
    } finally {
      times.push(`${name} ${((Date.now() - at) / 1000).toFixed(1)} s`);
    }
  };
  let failed = false;
  try {
    await part("copy", () => {
      try {
        copyProject(root, dest, "hardlink");
      } catch (error) {
        // Hard links need one file system; a symlinked node_modules serves all but Turbopack.
        if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
        rmSync(dest, { recursive: true, force: true });
        copyProject(root, dest, "symlink");
      }
    });
    const names = readManifest(dest).features.map((feature) => feature.name);
    await part(`remove ${names.join(", ")}`, () => run(dest, "node_modules/tsx/dist/cli.mjs", ["scripts/feature-remove.ts", ...names]));
    await part("prisma generate", () =>
      run(dest, "node_modules/prisma/build/index.js", ["generate"], { PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath }),
    );
    await part("typecheck", () => run(dest, "node_modules/typescript/bin/tsc", ["--noEmit", "-p", "."]));
    await part("lint", () => run(dest, "node_modules/eslint/bin/eslint.js", [".", "--max-warnings", "0"]));
    await part("npm test -- fast", () => run(dest, "node_modules/tsx/dist/cli.mjs", ["scripts/test.ts", "fast"]));
  } catch (error) {
    failed = true;
    console.error(`\n${(error as Error).message}`);
  }
  const counts = countsLine(dest);
  if (failed) console.log(`\nThe copy stays in ${dest} to look at; delete it when done.`);
  else rmSync(path.dirname(dest), { recursive: true, force: true });
  console.log(`\nnpm test -- removal ${failed ? "failed" : "passed"} in ${((Date.now() - started) / 1000).toFixed(1)} s (${times.join(", ")})`);
  // A lane that failed before its tests ran still says so in the counts CI adds up.
  console.log(failed && counts.startsWith("0 passed, 0 failed") ? counts.replace("0 failed", "1 failed") : counts);
  return failed ? 1 : 0;
}

function run(cwd: string, script: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd, stdio: "inherit", env: { ...process.env, ...env } });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(script)} ${args.join(" ")} exited with ${code} (in ${cwd})`))));
  });
}

/** The fast lane's closing counts, from its runners' reports in the copy (nothing run: zeros). */
function countsLine(dest: string): string {
  const read = (file: string) => {
    try {
      return JSON.parse(readFileSync(path.join(dest, ".local/test-results", file), "utf8"));
    } catch {
      return {};
    }
  };
  const [vitest, playwright] = [read("vitest.json"), read("playwright.json")];
  const passed = (vitest.numPassedTests ?? 0) + (playwright.stats?.expected ?? 0) + (playwright.stats?.flaky ?? 0);
  const failedCount = (vitest.numFailedTests ?? 0) + (playwright.stats?.unexpected ?? 0);
  const skipped = (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0) + (playwright.stats?.skipped ?? 0);
  return `${passed} passed, ${failedCount} failed, ${skipped} skipped`;
}
