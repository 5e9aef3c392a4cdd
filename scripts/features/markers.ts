/**
 * Markers: the lines of shared files that belong to one feature, in a comment at the end of the line, in whichever
 * comment syntax the file has (`//`, `#`, `%%`, `/* … *\/`, `{/* … *\/}` in JSX, `<!-- … -->` in Markdown):
 *
 *   someCall(); // feature:<name>                 the line belongs to the feature <name>
 *   // feature:<name> begin                       this line, every line down to the matching end, and that line
 *   // feature:<name> end
 *
 * The marker must end its line (only blanks after the comment closes), so prose that mentions the syntax is not a
 * marker. Blocks nest (an end closes the innermost open block, and must name the same feature).
 */
const MARKER = /(?:\/\/|#|%%|\{?\/\*|<!--)\s*feature:([a-z][a-z0-9-]*)(?:\s+(begin|end))?\s*(?:\*\/\}?|-->)?\s*$/;

export interface Marker {
  line: number;
  feature: string;
  kind: "line" | "begin" | "end";
}

export class MarkerError extends Error {}

export function findMarkers(text: string): Marker[] {
  return text.split("\n").flatMap((content, index) => {
    const match = MARKER.exec(content);
    return match ? [{ line: index + 1, feature: match[1]!, kind: (match[2] ?? "line") as Marker["kind"] }] : [];
  });
}

/**
 * The lines (1-based) each feature's markers claim in a file. Throws a MarkerError naming the file and line when a
 * block is unbalanced (a begin never closed, an end with no begin, an end naming another feature) or when a marker
 * names a feature that `known` does not list.
 */
export function markedLines(file: string, text: string, known: (feature: string) => boolean): Map<string, Set<number>> {
  const claimed = new Map<string, Set<number>>();
  const claim = (feature: string, from: number, to: number) => {
    const lines = claimed.get(feature) ?? new Set<number>();
    for (let line = from; line <= to; line++) lines.add(line);
    claimed.set(feature, lines);
  };
  const open: Marker[] = [];
  for (const marker of findMarkers(text)) {
    if (!known(marker.feature)) throw new MarkerError(`${file}:${marker.line}: a marker names "${marker.feature}", which is not an installed feature (scripts/features/features.json)`);
    if (marker.kind === "line") claim(marker.feature, marker.line, marker.line);
    else if (marker.kind === "begin") open.push(marker);
    else {
      const begin = open.pop();
      if (!begin) throw new MarkerError(`${file}:${marker.line}: "feature:${marker.feature} end" with no begin above it`);
      if (begin.feature !== marker.feature) {
        throw new MarkerError(`${file}:${marker.line}: "feature:${marker.feature} end" closes the block "feature:${begin.feature} begin" opened at line ${begin.line}`);
      }
      claim(marker.feature, begin.line, marker.line);
    }
  }
  const unclosed = open.pop();
  if (unclosed) throw new MarkerError(`${file}:${unclosed.line}: "feature:${unclosed.feature} begin" is never closed by "feature:${unclosed.feature} end"`);
  return claimed;
}

/**
 * The text without the given lines. Where taking a run of lines out leaves two blank lines together (a paragraph
 * or a section between blank lines), one of them goes too, and so does a blank line left at the very start.
 */
export function withoutLines(text: string, remove: ReadonlySet<number>): string {
  const lines = text.split("\n");
  const kept: string[] = [];
  let removedSinceKept = false;
  lines.forEach((content, index) => {
    if (remove.has(index + 1)) {
      removedSinceKept = true;
      return;
    }
    const blank = content.trim() === "";
    if (removedSinceKept && blank && (kept.length === 0 || kept.at(-1)!.trim() === "") && index < lines.length - 1) {
      removedSinceKept = false;
      return;
    }
    removedSinceKept = false;
    kept.push(content);
  });
  // A run taken out at the end of the file: no blank line left before the final newline.
  while (remove.size && kept.length > 1 && kept.at(-1) === "" && kept.at(-2)!.trim() === "") kept.splice(-2, 1);
  return kept.join("\n");
}
