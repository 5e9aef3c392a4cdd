import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";

// `next start` for the e2e suite (playwright.config.ts): `tsx scripts/e2e-server.ts <log file> [next start args]`.
// Everything the app prints goes to the log file, which the suite's last check scans (tests/e2e/server-log.spec.ts);
// its stderr also goes on to Playwright, which shows it in the test output.
const [logFile, ...args] = process.argv.slice(2);
if (!logFile) throw new Error("Usage: e2e-server.ts <log file> [next start arguments]");
mkdirSync(path.dirname(logFile), { recursive: true });

const server = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", ...args], { stdio: ["ignore", "pipe", "pipe"] });
// Whole lines, each written at once: stdout and stderr never interleave inside a line, where they could split a token.
createInterface({ input: server.stdout }).on("line", (line) => appendFileSync(logFile, `${line}\n`));
createInterface({ input: server.stderr }).on("line", (line) => {
  appendFileSync(logFile, `${line}\n`);
  process.stderr.write(`${line}\n`);
});
server.on("exit", (code) => process.exit(code ?? 1));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.kill(signal);
    // `next start` finishes the requests in flight before it exits, and a browser's open connection can hold it for
    // minutes: a test stopping an instance waits a few seconds at most.
    setTimeout(() => server.kill("SIGKILL"), 5_000).unref();
  });
}
