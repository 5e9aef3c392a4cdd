import type { Manifest } from "./manifest";
import { markedLines } from "./markers";
import type { Tree } from "./tree";

const lineCount = (text: string) => text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
type Kind = "code" | "tests" | "docs";
const kindOf = (file: string): Kind => (file.startsWith("tests/") ? "tests" : file.endsWith(".md") ? "docs" : "code");

/**
 * What each feature costs in this copy, as a Markdown table (docs/features.md quotes it): lines of code, tests and
 * docs, each its own files plus the lines marked for it in shared files; its tables and its settings.
 */
export function costs(tree: Tree, manifest: Manifest): string {
  const installed = new Set(manifest.features.map((feature) => feature.name));
  const lines = new Map(manifest.features.map((feature) => [feature.name, { code: 0, tests: 0, docs: 0, files: 0 }]));
  for (const file of tree.files()) {
    for (const [feature, marked] of markedLines(file, tree.read(file), (name) => installed.has(name))) lines.get(feature)![kindOf(file)] += marked.size;
  }
  for (const feature of manifest.features) {
    const sum = lines.get(feature.name)!;
    for (const file of new Set(feature.paths.flatMap((target) => tree.under(target)))) {
      sum[kindOf(file)] += lineCount(tree.read(file));
      sum.files++;
    }
  }
  const rows = manifest.features.map((feature) => {
    const sum = lines.get(feature.name)!;
    return [feature.name, sum.files, sum.code, sum.tests, sum.docs, feature.models.join(", ") || "—", feature.settings.map((name) => `\`${name}\``).join(", ") || "—"];
  });
  const header = ["feature", "own files", "lines of code", "lines of tests", "lines of docs", "tables", "settings"];
  return [header, header.map(() => "---"), ...rows].map((row) => `| ${row.join(" | ")} |`).join("\n");
}
