import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../scripts/local/free-port";

export interface PgBouncer {
  /** The database's URL with PgBouncer in between. */
  url: string;
  stop: () => Promise<void>;
}

/** Where Debian and Ubuntu install it; elsewhere the first `pgbouncer` on PATH. */
function findPgBouncer(): string {
  const candidates = ["/usr/sbin/pgbouncer", ...(process.env.PATH ?? "").split(path.delimiter).map((dir) => path.join(dir, "pgbouncer"))];
  const found = candidates.find((file) => file && existsSync(file));
  if (!found) {
    throw new Error("PgBouncer is not installed (no /usr/sbin/pgbouncer, none on PATH): `apt-get install pgbouncer` (.ci/run installs it).");
  }
  return found;
}


const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

async function listening(child: ChildProcess, port: number, log: () => string): Promise<void> {
  let exited = false;
  const exit = once(child, "exit").then(([code]) => {
    exited = true;
    throw new Error(`PgBouncer exited with ${code} before listening:\n${log()}`);
  });
  exit.catch(() => {});
  const deadline = Date.now() + 15_000;
  while (!exited && !(await canConnect(port))) {
    if (Date.now() > deadline) throw new Error(`PgBouncer did not listen on port ${port} within 15 s:\n${log()}`);
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 50)), exit]);
  }
  if (exited) await exit;
}

/**
 * PgBouncer in transaction mode in front of `databaseUrl`, as the poolers of Neon, Supabase and Vercel Postgres
 * run, without prepared-statement tracking: a server connection goes back to the pool after each transaction,
 * and its next client may be another one. `serverConnections` server connections per database and user.
 */
export async function startPgBouncer(databaseUrl: string, { serverConnections = 2 } = {}): Promise<PgBouncer> {
  const binary = findPgBouncer();
  const target = new URL(databaseUrl);
  const database = decodeURIComponent(target.pathname.slice(1));
  const user = decodeURIComponent(target.username);
  const password = decodeURIComponent(target.password);
  const version = /PgBouncer (\d+)\.(\d+)/.exec(execFileSync(binary, ["--version"], { encoding: "utf8" }));
  const [major, minor] = version ? [Number(version[1]), Number(version[2])] : [0, 0];
  // 1.21 added prepared-statement tracking (off by default until 1.24); older versions have none to turn off.
  const tracksStatements = major > 1 || (major === 1 && minor >= 21);

  const dir = await mkdtemp(path.join(os.tmpdir(), "pgbouncer-"));
  // As root PgBouncer must switch to another user, which then reads these files.
  await chmod(dir, 0o755);
  const port = await freePort();
  const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
  await writeFile(path.join(dir, "userlist.txt"), `"${user}" ""\n`, { mode: 0o644 });
  await writeFile(
    path.join(dir, "pgbouncer.ini"),
    [
      "[databases]",
      `${database} = host=${target.hostname} port=${target.port} dbname=${database} user=${user} password=${quote(password)}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      // Local and throwaway: whoever reaches the loopback port is let in; the server login uses the password above.
      "auth_type = trust",
      `auth_file = ${path.join(dir, "userlist.txt")}`,
      "pool_mode = transaction",
      `default_pool_size = ${serverConnections}`,
      "max_client_conn = 200",
      ...(tracksStatements ? ["max_prepared_statements = 0"] : []),
      ...(os.userInfo().uid === 0 ? ["user = postgres"] : []),
      "",
    ].join("\n"),
    { mode: 0o644 },
  );

  let output = "";
  const child = spawn(binary, [path.join(dir, "pgbouncer.ini")], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk));
  const exited = once(child, "exit");
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await listening(child, port, () => output);
  } catch (error) {
    await stop();
    throw error;
  }

  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return { url: url.href, stop };
}
