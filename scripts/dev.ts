import { spawn } from "node:child_process";
import nextEnv from "@next/env";
import { removeDevDatabaseUrl, writeDevDatabaseUrl } from "./local/dev-env-file";
import { startLocalServices } from "./local/services";
import { seededUsers } from "./uniauth/users";

const projectDir = process.cwd();
const port = Number(process.env.PORT ?? 3000);
const appUrl = `http://localhost:${port}`;
// The URL an earlier run wrote is not the developer's own DATABASE_URL: without it, the embedded database starts again.
await removeDevDatabaseUrl(projectDir);
const { combinedEnv } = nextEnv.loadEnvConfig(projectDir, true, { info: () => {}, error: console.error });

const services = await startLocalServices({
  projectDir,
  appUrl,
  env: combinedEnv,
  postgresPort: Number(process.env.POSTGRES_PORT ?? 54320),
  uniauthPort: Number(process.env.UNIAUTH_PORT ?? 4000),
  persistent: true,
}).catch((error: Error) => {
  console.error(`\nCould not start the local services: ${error.message}\n`);
  process.exit(1);
});

if (services.postgres) await writeDevDatabaseUrl(projectDir, services.postgres.url);

console.log(`
  App             ${appUrl}
  Database        ${services.postgres ? "embedded PostgreSQL (data kept in .local/ or the temp dir; its URL in .env.development.local for Prisma's CLI)" : "DATABASE_URL from your .env files"}
  UniAuth         ${services.uniauth ? `local stand-in at ${services.uniauth.issuer}` : combinedEnv.UNIAUTH_ISSUER ?? "https://uniauth.id"}`);
if (services.uniauth) {
  console.log(`\n  Test users (pick one on the local UniAuth page):`);
  for (const user of seededUsers) {
    console.log(`    ${user.name.padEnd(16)} ${user.email.padEnd(18)} groups: ${user.groups.join(", ") || "none"}${user.email_verified ? "" : "  (email NOT verified)"}`);
  }
}
console.log();

const next = spawn(process.execPath, ["node_modules/next/dist/bin/next", "dev", "--port", String(port)], {
  stdio: "inherit",
  env: { ...process.env, ...services.env },
});

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  next.kill("SIGTERM");
  await removeDevDatabaseUrl(projectDir).catch((error) => console.error(error));
  await services.stop();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
next.on("exit", (code) => void stop(code ?? 0));
