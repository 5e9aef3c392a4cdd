import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../..");
const authDir = path.join(root, "lib/auth");

/** Every module under lib/auth, by its path relative to lib/auth without the extension (data such as advisories.json is no module). */
function modules(dir = authDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? modules(path.join(dir, entry.name)) : /\.tsx?$/.test(entry.name) ? [path.relative(authDir, path.join(dir, entry.name)).replace(/\.tsx?$/, "")] : [],
  );
}

/** The lib/auth modules a module imports, and whether only for types (erased at build: no runtime dependency). */
function importsOf(module: string): { target: string; typeOnly: boolean }[] {
  const source = readFileSync(path.join(authDir, `${module}.ts`), "utf8");
  return [...source.matchAll(/(import|export)(\s+type)?\s[^;]*?from\s+"@\/lib\/auth\/([^"]+)"|import\s+"@\/lib\/auth\/([^"]+)"/g)].map((match) => ({
    target: match[3] ?? match[4]!,
    typeOnly: !!match[2],
  }));
}

/** The entry points: each imports lib/auth/installed.ts, then re-exports what its audience uses. */
const ENTRIES = ["index", "routes", "operator", "edge", "actions", "installed"];
/** The core's folders and files, bottom up: each may import (at runtime) only from its own layer and those below. */
const CORE_LAYERS = [["base"], ["features"], ["events"], ["uniauth"], ["session"], ["logout", "guards"], ["auth-route", "config", "nextauth"]];
const coreLayerOf = (module: string) => CORE_LAYERS.findIndex((layer) => layer.includes(module.split("/")[1]!));
/** "core", a feature's name, or "entry". */
const partOf = (module: string) => (module.startsWith("core/") ? "core" : module.startsWith("features/") ? module.split("/")[1]! : ENTRIES.includes(module) ? "entry" : null);

describe("lib/auth", () => {
  const graph = new Map(modules().map((module) => [module, importsOf(module)]));

  it("is the core, the optional features (one folder each) and the entry points; every import names a module that exists", () => {
    for (const [module, imports] of graph) {
      expect(partOf(module), `${module} is neither core, a feature nor an entry point`).not.toBeNull();
      for (const { target } of imports) expect(graph.has(target), `${module} imports ${target}, which does not exist`).toBe(true);
    }
  });

  it("has a core that imports no feature and no entry point, not even for a type", () => {
    const outward = [...graph].flatMap(([module, imports]) => (partOf(module) === "core" ? imports.filter(({ target }) => partOf(target) !== "core").map(({ target }) => `${module} → ${target}`) : []));
    expect(outward).toEqual([]);
  });

  it("has features that import the core and their own files, never another feature or the entry points' internals", () => {
    const crossing: string[] = [];
    for (const [module, imports] of graph) {
      const part = partOf(module);
      if (part === "core" || part === "entry") continue;
      // A "use server" file is loaded on its own by Next.js, so it installs the features itself, as the entry points do.
      for (const { target } of imports) if (![part, "core"].includes(partOf(target)!) && target !== "installed") crossing.push(`${module} → ${target}`);
    }
    expect(crossing).toEqual([]);
  });

  it("has a core in layers that import only downward at runtime (types may name what a layer above defines)", () => {
    const upward: string[] = [];
    for (const [module, imports] of graph) {
      if (partOf(module) !== "core") continue;
      expect(coreLayerOf(module), `${module} belongs to no layer of the core`).toBeGreaterThanOrEqual(0);
      for (const { target, typeOnly } of imports) if (!typeOnly && coreLayerOf(target) > coreLayerOf(module)) upward.push(`${module} → ${target}`);
    }
    expect(upward).toEqual([]);
  });

  it("has no import cycle at runtime", () => {
    const cycles: string[] = [];
    const visit = (name: string, trail: string[]) => {
      if (trail.includes(name)) return void cycles.push([...trail.slice(trail.indexOf(name)), name].join(" → "));
      for (const { target, typeOnly } of graph.get(name) ?? []) if (!typeOnly) visit(target, [...trail, name]);
    };
    for (const name of graph.keys()) visit(name, []);
    expect(cycles).toEqual([]);
  });

  it("has every entry point but the edge's install the features first", () => {
    for (const entry of ["index", "routes", "operator", "actions"]) {
      expect(readFileSync(path.join(authDir, `${entry}.ts`), "utf8"), entry).toMatch(/^(?:"use server";\s+)?(?:import "server-only";\s+)?import "@\/lib\/auth\/installed";/);
    }
  });
});

describe("the public auth module, as ESLint enforces it", () => {
  const eslint = new ESLint({ cwd: root });
  const lint = async (filePath: string, code: string) => (await eslint.lintText(code, { filePath: path.join(root, filePath) }))[0]!.messages.map((m) => m.ruleId);

  it("keeps app/ and lib/data on @/lib/auth, and middleware.ts on @/lib/auth/edge", async () => {
    const internal = `import { checkSession } from "@/lib/auth/core/session/check";\nexport const x = checkSession;\n`;
    expect(await lint("app/settings/page.tsx", internal)).toContain("no-restricted-imports");
    expect(await lint("lib/data/settings.ts", internal)).toContain("no-restricted-imports");
    expect(await lint("middleware.ts", `import { auth } from "@/lib/auth";\nexport const x = auth;\n`)).toContain("no-restricted-imports");
    // Controls: the public module and the edge entry are allowed where they belong.
    expect(await lint("app/settings/page.tsx", `import { auth } from "@/lib/auth";\nexport const x = auth;\n`)).toEqual([]);
    expect(await lint("middleware.ts", `import { gate } from "@/lib/auth/edge";\nexport const x = gate;\n`)).toEqual([]);
  }, 60_000);

  it("lets a \"use server\" file export only actions wrapped in authAction", async () => {
    const header = `"use server";\nimport { authAction } from "@/lib/auth";\nimport { z } from "zod";\n`;
    const wrapped = `export const save = authAction({ input: z.object({}) }, async () => 1);\n`;
    expect(await lint("app/settings/actions.ts", header + wrapped)).toEqual([]);
    for (const unwrapped of [
      "export async function save(): Promise<void> {}\n",
      "export const save = async () => 1;\n",
      "const save = authAction({ input: z.object({}) }, async () => 1);\nexport { save as other };\n",
      "export default async function save(): Promise<void> {}\n",
    ]) {
      expect(await lint("app/settings/actions.ts", header + unwrapped), unwrapped).toContain("local/server-actions-use-auth-action");
    }
  }, 60_000);
});
