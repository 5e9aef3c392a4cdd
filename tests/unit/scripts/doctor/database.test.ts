import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { compareMigrations, type MigrationRow } from "../../../../scripts/doctor/database";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const at = new Date("2026-12-01T00:00:00Z");
const folder = (name: string) => ({ name, sql: `-- ${name}\n` });
const row = (name: string, changes: Partial<MigrationRow> = {}): MigrationRow => ({ migration_name: name, checksum: sha256(`-- ${name}\n`), finished_at: at, rolled_back_at: null, ...changes });

describe("compareMigrations", () => {
  it("finds nothing when every folder is applied and finished", () => {
    expect(compareMigrations([folder("1_a"), folder("2_b")], [row("1_a"), row("2_b")])).toEqual({ pending: [], failed: [], unknown: [], edited: [] });
  });

  it("finds folders not applied, failed migrations, and applied ones no folder has", () => {
    const result = compareMigrations([folder("1_a"), folder("2_b"), folder("3_c")], [row("1_a"), row("2_b", { finished_at: null }), row("9_z")]);
    expect(result).toMatchObject({ pending: ["2_b", "3_c"], failed: ["2_b"], unknown: ["9_z"] });
  });

  it("ignores rolled-back attempts: a failure resolved and applied again is applied", () => {
    const rows = [row("1_a", { finished_at: null, rolled_back_at: at }), row("1_a"), row("9_z", { rolled_back_at: at })];
    expect(compareMigrations([folder("1_a")], rows)).toEqual({ pending: [], failed: [], unknown: [], edited: [] });
  });

  it("notes a migration whose file changed after it was applied (CRLF line endings are the same file)", () => {
    expect(compareMigrations([{ name: "1_a", sql: "-- changed\n" }], [row("1_a")]).edited).toEqual(["1_a"]);
    expect(compareMigrations([{ name: "1_a", sql: "-- 1_a\r\n" }], [row("1_a")]).edited).toEqual([]);
  });
});
