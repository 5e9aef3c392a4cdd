import type { Manifest } from "./manifest";
import { markedLines } from "./markers";
import type { Tree } from "./tree";

const lineCount = (text: string) => text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
const isTest = (file: string) => file.startsWith("tests/");

/**
 * What each feature costs in this copy, as a Markdown table: its own files and their lines (code apart from tests),
 * the lines marked for it in shared files, its tables and its settings. docs/features.md quotes it.
 */
export function costs(tree: Tree, manifest: Manifest): string {
  const installed = new Set(manifest.features.map((feature) => feature.name));
  const marked = new Map<string, { code: number; tests: number }>();
  for (const file of tree.files()) {
    for (const [feature, lines] of markedLines(file, tree.read(file), (name) => installed.has(name))) {
      const sum = marked.get(feature) ?? { code: 0, tests: 0 };
      sum[isTest(file) ? "tests" : "code"] += lines.size;
      marked.set(feature, sum);
    }
  }
  const rows = manifest.features.map((feature) => {
    const files = [...new Set(feature.paths.flatMap((target) => tree.under(target)))];
    const lines = (tests: boolean) => files.filter((file) => isTest(file) === tests).reduce((sum, file) => sum + lineCount(tree.read(file)), 0);
    const own = marked.get(feature.name) ?? { code: 0, tests: 0 };
    return [
      feature.name,
      String(files.length),
      String(lines(false)),
      String(own.code),
      String(lines(true) + own.tests),
      feature.models.join(", ") || "—",
      feature.settings.join(", ") || "—",
      feature.requires.join(", ") || "—",
    ];
  });
  const header = ["feature", "files", "lines of code", "marked lines elsewhere", "lines of tests", "tables", "settings", "requires"];
  return [header, header.map(() => "---"), ...rows].map((row) => `| ${row.join(" | ")} |`).join("\n");
}
