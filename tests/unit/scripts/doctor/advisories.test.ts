import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { advisoryListSchema, compareVersions, inRange, lockedVersions } from "../../../../scripts/doctor/advisories";

describe("compareVersions", () => {
  it("orders versions as Semantic Versioning 2.0.0 does", () => {
    const ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.10.0", "2.0.0"];
    for (let i = 1; i < ordered.length; i++) expect(compareVersions(ordered[i - 1]!, ordered[i]!), `${ordered[i - 1]} < ${ordered[i]}`).toBeLessThan(0);
    expect(compareVersions("5.0.0-beta.32", "5.0.0-beta.32+build.1")).toBe(0);
    expect(compareVersions("5.0.0-beta.4", "5.0.0-beta.32")).toBeLessThan(0);
  });
});

describe("inRange", () => {
  it("reads the forms an advisory uses, pre-releases included", () => {
    const range = "<4.24.15 || >=5.0.0-beta.1 <5.0.0-beta.32";
    expect(inRange("5.0.0-beta.31", range)).toBe(true);
    expect(inRange("5.0.0-beta.32", range)).toBe(false);
    expect(inRange("5.0.0-beta.0", range)).toBe(false);
    expect(inRange("4.24.14", range)).toBe(true);
    expect(inRange("4.24.15", range)).toBe(false);
    expect(inRange("5.0.0", range)).toBe(false);
    expect(inRange("5.0.0-beta.32", "<=5.0.0-beta.32")).toBe(true);
    expect(inRange("0.41.2", ">0.41.1 <0.41.3")).toBe(true);
    expect(inRange("0.41.3", "=0.41.3")).toBe(true);
  });
});

describe("lib/auth/advisories.json", () => {
  const list = advisoryListSchema.parse(JSON.parse(readFileSync("lib/auth/advisories.json", "utf8")));

  it("is a valid list: each advisory once per package, its fixed versions outside its range", () => {
    const keys = list.advisories.map((advisory) => `${advisory.id} ${advisory.package}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const advisory of list.advisories) for (const fixed of advisory.fixedIn) expect(inRange(fixed, advisory.affected), `${advisory.id} ${fixed}`).toBe(false);
  });

  it("refuses range forms the comparator does not read", () => {
    const entry = { id: "GHSA-0000-0000-0000", package: "next-auth", affected: "^5.0.0-beta.1", fixedIn: ["5.0.0"], summary: "x", url: "https://advisories.example/x" };
    expect(advisoryListSchema.safeParse({ reviewed: "2026-12-07", advisories: [entry] }).success).toBe(false);
    expect(advisoryListSchema.safeParse({ reviewed: "2026-12-07", advisories: [{ ...entry, affected: ">=5.0.0-beta.1 <5.0.0" }] }).success).toBe(true);
  });
});

describe("lockedVersions", () => {
  it("finds a package at the top of node_modules and nested copies", () => {
    const lock = { packages: { "": {}, "node_modules/@auth/core": { version: "0.41.3" }, "node_modules/x/node_modules/@auth/core": { version: "0.40.0" }, "node_modules/not-@auth/core": { version: "9.9.9" } } };
    expect(lockedVersions(lock, "@auth/core")).toEqual(["0.41.3", "0.40.0"]);
  });
});
