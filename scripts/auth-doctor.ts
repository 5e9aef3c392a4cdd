import nextEnv from "@next/env";
import { z } from "zod";
import { exitCode, formatResult, summary } from "./doctor/check";
import { runDoctor } from "./doctor/run";

// `npm run auth:doctor [-- --production]`: checks a configuration against what the auth kit needs, one line per check,
// before users find out from a failed sign-in (docs/operations.md, "Check a deployment"). It reads the environment and
// the .env files as the app does, asks UniAuth for its discovery document and JWKS only (never a token call), and exits
// 1 when a check fails (warnings do not fail), 2 on a wrong option.
const USAGE = "Usage: npm run auth:doctor [-- --production]   (--production, or NODE_ENV=production: production rules and .env.production files)";
const args = z.array(z.enum(["--production", "--help"])).safeParse(process.argv.slice(2));
if (!args.success) {
  console.error(`Unknown option.\n${USAGE}`);
  process.exit(2);
}
if (args.data.includes("--help")) {
  console.log(USAGE);
  process.exit(0);
}

const production = args.data.includes("--production") || process.env.NODE_ENV === "production";
const projectDir = process.cwd();
// Next.js loads the .env files for the mode (without overriding what is set) unless they have been loaded already.
const loadedAlready = !!process.env.__NEXT_PROCESSED_ENV;
const { combinedEnv, loadedEnvFiles } = nextEnv.loadEnvConfig(projectDir, !production, { info: () => {}, error: console.error });
const source = loadedAlready ? "the environment only (.env files already loaded)" : loadedEnvFiles.length ? `the environment, then ${loadedEnvFiles.map((file) => file.path).join(", ")}` : "the environment (no .env file)";
console.log(`auth:doctor: ${production ? "production" : "development"} rules; settings from ${source}`);

const results = await runDoctor({ env: combinedEnv, production, projectDir });
const width = Math.max(...results.map((result) => result.name.length));
for (const result of results) console.log(formatResult(result, width));
console.log(summary(results));
process.exit(exitCode(results));
