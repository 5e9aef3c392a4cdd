/** lib/auth/installed.ts without a feature: its import (`import { feature as x } from ".../<name>/feature"`) and its entry. */
export const INSTALLED_FILE = "lib/auth/installed.ts";

/** The file's text without the feature, or null when the feature has no hooks there (it was never installed). */
export function uninstall(text: string, feature: string): string | null {
  const importLine = new RegExp(`^import \\{ feature as (\\w+) \\} from "@/lib/auth/features/${feature}/feature";\\n`, "m");
  const found = importLine.exec(text);
  if (!found) return null;
  const local = found[1]!;
  const list = /installFeatures\(\[([^\]]*)\]\)/.exec(text);
  const entries = list?.[1]!.split(",").map((entry) => entry.trim()).filter(Boolean);
  if (!list || !entries?.includes(local)) throw new Error(`${INSTALLED_FILE} imports ${feature} as ${local} but installFeatures([…]) does not list ${local}`);
  const rest = entries.filter((entry) => entry !== local).join(", ");
  return text.replace(importLine, "").replace(list[0], `installFeatures([${rest}])`);
}
