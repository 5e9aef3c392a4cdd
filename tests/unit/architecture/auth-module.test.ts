import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../..");
const authDir = path.join(root, "lib/auth");

/** Every module under lib/auth, by its path relative to lib/auth without the extension. */
function modules(dir = authDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? modules(path.join(dir, entry.name)) : [path.relative(authDir, path.join(dir, entry.name)).replace(/\.tsx?$/, "")],
  );
}

/** The lib/auth modules a module imports (type-only imports included: a type cycle is still a cycle). */
function importsOf(module: string): string[] {
  const source = readFileSync(path.join(authDir, `${module}.ts`), "utf8");
  return [...source.matchAll(/(?:import|export)\s[^;]*?from\s+"@\/lib\/auth\/([^"]+)"|import\s+"@\/lib\/auth\/([^"]+)"/g)].map((match) => match[1] ?? match[2]!);
}

// The layers, bottom up: each may import only from its own layer and those below it (DESIGN: arrows point down).
const LAYERS = [["core"], ["budget"], ["uniauth"], ["audit"], ["session"], ["logout", "step-up"], ["guards", "config", "nextauth", "actions", "edge", "index", "sign-in-limits"]];
const layerOf = (module: string) => LAYERS.findIndex((layer) => layer.includes(module.split("/")[0]!));

describe("lib/auth", () => {
  const graph = new Map(modules().map((module) => [module, importsOf(module)]));

  it("is grouped in folders that each import only downward, and every import names a module that exists", () => {
    const upward: string[] = [];
    for (const [module, imports] of graph) {
      expect(layerOf(module), `${module} belongs to no layer`).toBeGreaterThanOrEqual(0);
      for (const target of imports) {
        expect(graph.has(target), `${module} imports ${target}, which does not exist`).toBe(true);
        if (layerOf(target) > layerOf(module)) upward.push(`${module} → ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("has no import cycle", () => {
    const cycles: string[] = [];
    const visit = (name: string, trail: string[]) => {
      if (trail.includes(name)) return void cycles.push([...trail.slice(trail.indexOf(name)), name].join(" → "));
      for (const target of graph.get(name) ?? []) visit(target, [...trail, name]);
    };
    for (const name of graph.keys()) visit(name, []);
    expect(cycles).toEqual([]);
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
