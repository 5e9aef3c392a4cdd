import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

// `npm run dev` passes the embedded database's URL to Next directly; it also writes it here, the file Next and
// prisma.config.ts read first in development (git-ignored by `.env*.local`), so Prisma's CLI reaches the same
// database while dev runs. Only these two lines are ours: whatever else the file holds stays.
const FILE = ".env.development.local";
const MARKER = "# Written by `npm run dev` for Prisma's CLI while its embedded PostgreSQL runs; removed when it stops.";

async function read(file: string): Promise<string | null> {
  return readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
}

/** The file without our marker line and the DATABASE_URL line after it. */
function withoutOurs(content: string): string {
  const lines = content.split("\n");
  const at = lines.indexOf(MARKER);
  if (at === -1) return content;
  lines.splice(at, lines[at + 1]?.startsWith("DATABASE_URL=") ? 2 : 1);
  return lines.join("\n");
}

export async function writeDevDatabaseUrl(projectDir: string, url: string): Promise<void> {
  const file = path.join(projectDir, FILE);
  const rest = withoutOurs((await read(file)) ?? "");
  const separator = rest && !rest.endsWith("\n") ? "\n" : "";
  await writeFile(file, `${rest}${separator}${MARKER}\nDATABASE_URL=${url}\n`, { mode: 0o600 });
}

/** Removes what writeDevDatabaseUrl wrote (also a leftover of a run that did not stop cleanly), and the file if nothing else is in it. */
export async function removeDevDatabaseUrl(projectDir: string): Promise<void> {
  const file = path.join(projectDir, FILE);
  const content = await read(file);
  if (content === null) return;
  const rest = withoutOurs(content);
  if (rest === content) return;
  if (rest.trim() === "") await rm(file, { force: true });
  else await writeFile(file, rest);
}
