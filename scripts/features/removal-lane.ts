import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { copyProject } from "./copy";
import { readManifest } from "./manifest";

/**
 * `npm test -- removal`: each optional feature removed alone from a copy and typechecked
 * (tests/unit/scripts/feature-remove.test.ts); then every feature removed at once from a temporary copy of the
 * project, and the core's own checks there: typecheck, lint, and the fast lane (unit and integration tests,
 * `next build`, the @smoke browser journey), on the same ports as any run here (TEST_PORT_OFFSET). Returns the exit
 * code; prints how long each part took and, last, both parts' counts line (CI reads it).
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
  // Beside the copy, not in this project's .local/test-results, which another lane running here may clear.
  const eachReport = path.join(path.dirname(dest), "removal-each.json");
  try {
    await part("each feature alone", () =>
      run(root, "node_modules/vitest/vitest.mjs", ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${eachReport}`], { TEST_LANE: "removal" }),
    );
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
  const copyReports = ["vitest-unit.json", "vitest-integration.json", "playwright.json"].map((report) => path.join(dest, ".local/test-results", report));
  const counts = countsLine([...copyReports, eachReport]);
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

/** The closing counts of the runners' JSON reports, Vitest's or Playwright's (a missing report: nothing run). */
function countsLine(reports: string[]): string {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const file of reports) {
    let report: { numPassedTests?: number; numFailedTests?: number; numPendingTests?: number; numTodoTests?: number; stats?: Record<string, number> } = {};
    try {
      report = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      continue;
    }
    totals.passed += (report.numPassedTests ?? 0) + (report.stats?.expected ?? 0) + (report.stats?.flaky ?? 0);
    totals.failed += (report.numFailedTests ?? 0) + (report.stats?.unexpected ?? 0);
    totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0) + (report.stats?.skipped ?? 0);
  }
  return `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
}
