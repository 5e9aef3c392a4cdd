import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import type { WriteStream } from "node:fs";

type Env = NodeJS.ProcessEnv;

/** `next build` (the production build that `next start` serves). */
export async function buildApp(env: Env): Promise<void> {
  const build = spawn(process.execPath, ["node_modules/next/dist/bin/next", "build"], { env, stdio: ["ignore", "inherit", "inherit"] });
  const [code] = (await once(build, "exit")) as [number | null];
  if (code !== 0) throw new Error(`next build exited with ${code}`);
}

export interface RunningApp {
  url: string;
  stop: () => Promise<void>;
}

/** `next start` on a port, its output appended to `log`; resolves once /api/health answers 200. */
export async function startApp(port: number, env: Env, log: WriteStream): Promise<RunningApp> {
  const url = `http://localhost:${port}`;
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "--port", String(port)], { env: { ...env, AUTH_URL: url }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const app = { url, stop: () => stop(child) };
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`next start on port ${port} exited with ${child.exitCode}`);
    if (await fetch(`${url}/api/health`).then((response) => response.ok, () => false)) return app;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await app.stop();
  throw new Error(`next start on port ${port} did not become ready`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGINT");
  await exited;
}
