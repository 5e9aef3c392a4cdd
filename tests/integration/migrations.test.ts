import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { applyMigrations, pendingSchemaChanges } from "../../scripts/local/migrate";
import { testEnv } from "../support/env";

describe("prisma/migrations", () => {
  it("agree with prisma/schema.prisma (run `npm run db:migrate -- <name>` after changing the schema)", async () => {
    expect(await pendingSchemaChanges(testEnv("DATABASE_URL"))).toBe("");
  });

  it("are all applied to the test database, so applying again does nothing", async () => {
    const folders = (await readdir("prisma/migrations", { withFileTypes: true })).filter((entry) => entry.isDirectory());
    expect(folders.length).toBeGreaterThan(0);
    expect(await applyMigrations(testEnv("DATABASE_URL"))).toEqual([]);
  });
});
