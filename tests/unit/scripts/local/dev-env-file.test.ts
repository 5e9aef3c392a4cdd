import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseEnv } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { removeDevDatabaseUrl, writeDevDatabaseUrl } from "../../../../scripts/local/dev-env-file";

let dir: string;
const file = () => path.join(dir, ".env.development.local");
const URL_1 = "postgresql://postgres:postgres@127.0.0.1:54320/app";

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "dev-env-file-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("the DATABASE_URL npm run dev writes for Prisma's CLI", () => {
  it("is in .env.development.local, the first file Next's loader (and so prisma.config.ts) reads in development, until removed", async () => {
    await writeDevDatabaseUrl(dir, URL_1);
    const written = await readFile(file(), "utf8");
    expect(parseEnv(written)).toEqual({ DATABASE_URL: URL_1 });
    expect(written).toMatch(/^# Written by `npm run dev`/);
    await removeDevDatabaseUrl(dir);
    expect(existsSync(file())).toBe(false);
  });

  it("leaves the developer's own lines alone, and replaces an earlier run's URL rather than adding another", async () => {
    const own = "# mine\nSTEP_UP_ACR=urn:uniauth:acr:mfa";
    await writeFile(file(), own);
    await writeDevDatabaseUrl(dir, "postgresql://postgres:postgres@127.0.0.1:1/old");
    await writeDevDatabaseUrl(dir, URL_1);
    const written = await readFile(file(), "utf8");
    expect(written.match(/DATABASE_URL=/g)).toHaveLength(1);
    expect(written).toContain(`${own}\n`);
    expect(written).toContain(URL_1);
    await removeDevDatabaseUrl(dir);
    expect(await readFile(file(), "utf8")).toBe(`${own}\n`);
    await removeDevDatabaseUrl(dir);
    expect(await readFile(file(), "utf8")).toBe(`${own}\n`);
  });
});
