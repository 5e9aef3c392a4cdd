/**
 * prisma/schema.prisma without some models: each `model X { … }` block goes with the `///` documentation above it,
 * and so does every field of another model whose type is one of them (`knownDevices KnownDevice[]`). The SQL that
 * drops their tables follows the schema: the foreign keys they hold first, then the tables (a table's own indexes
 * go with it).
 */
interface ModelBlock {
  name: string;
  table: string;
  /** 0-based, inclusive: the documentation lines above the block through its closing brace. */
  from: number;
  to: number;
  /** Foreign keys the model's table holds: constraint name and referenced model. */
  foreignKeys: { constraint: string; references: string }[];
}

const MODEL_START = /^model\s+([A-Za-z][A-Za-z0-9_]*)\s*\{\s*$/;

function modelBlocks(lines: string[]): ModelBlock[] {
  const blocks: ModelBlock[] = [];
  for (let start = 0; start < lines.length; start++) {
    const name = MODEL_START.exec(lines[start]!)?.[1];
    if (!name) continue;
    let end = start + 1;
    while (end < lines.length && lines[end]!.trim() !== "}") end++;
    let from = start;
    while (from > 0 && lines[from - 1]!.trim().startsWith("///")) from--;
    const body = lines.slice(start + 1, end);
    const table = body.map((line) => /^\s*@@map\(\s*"([^"]+)"\s*\)/.exec(line)?.[1]).find(Boolean) ?? name;
    const foreignKeys = body.flatMap((line) => {
      const relation = /^\s*\w+\s+(\w+)\??\s+.*@relation\(([^)]*)\)/.exec(line);
      const fields = relation && /fields:\s*\[([^\]]*)\]/.exec(relation[2]!)?.[1];
      if (!relation || !fields) return [];
      const map = /map:\s*"([^"]+)"/.exec(relation[2]!)?.[1];
      const columns = fields.split(",").map((field) => field.trim());
      return [{ constraint: map ?? `${table}_${columns.join("_")}_fkey`, references: relation[1]! }];
    });
    blocks.push({ name, table, from, to: end, foreignKeys });
    start = end;
  }
  return blocks;
}

export interface SchemaRemoval {
  schema: string;
  /** What went, for the report: models and `Model.field` relation fields. */
  removedModels: string[];
  removedFields: string[];
  /** The migration: statements in the order they must run. */
  sql: string;
}

/** Throws when a model is missing or a kept model holds a foreign key to one that goes (that column needs a decision). */
export function removeModels(schema: string, models: readonly string[]): SchemaRemoval {
  const lines = schema.split("\n");
  const blocks = modelBlocks(lines);
  const going = blocks.filter((block) => models.includes(block.name));
  const missing = models.filter((model) => !going.some((block) => block.name === model));
  if (missing.length) throw new Error(`prisma/schema.prisma has no model ${missing.join(", ")}`);
  const drop = new Set<number>();
  for (const block of going) {
    for (let line = block.from; line <= block.to; line++) drop.add(line);
    // The blank line that separated it from the next block.
    if (lines[block.to + 1]?.trim() === "") drop.add(block.to + 1);
  }
  const removedFields: string[] = [];
  for (const block of blocks.filter((kept) => !models.includes(kept.name))) {
    for (let line = block.from; line <= block.to; line++) {
      const field = /^\s*(\w+)\s+(\w+)(\[\]|\?)?(\s|$)/.exec(lines[line]!);
      if (!field || !models.includes(field[2]!) || lines[line]!.trim().startsWith("//")) continue;
      if (lines[line]!.includes("@relation(") && /fields:/.test(lines[line]!)) {
        throw new Error(`prisma/schema.prisma: ${block.name}.${field[1]} holds a foreign key to ${field[2]}, which is removed: take that column out by hand first`);
      }
      drop.add(line);
      removedFields.push(`${block.name}.${field[1]}`);
    }
  }
  const kept = lines.filter((_, index) => !drop.has(index));
  while (kept.length > 1 && kept.at(-1) === "" && kept.at(-2)!.trim() === "") kept.splice(-2, 1);
  return { schema: kept.join("\n"), removedModels: going.map((block) => block.name), removedFields, sql: dropSql(going) };
}

/** The foreign keys of the dropped tables first (so no drop waits on another), then the tables, referencing ones first. */
function dropSql(going: ModelBlock[]): string {
  const statements: string[] = [];
  for (const block of going) {
    for (const key of block.foreignKeys) statements.push(`-- DropForeignKey\nALTER TABLE "${block.table}" DROP CONSTRAINT "${key.constraint}";`);
  }
  const ordered: ModelBlock[] = [];
  const visiting = new Set<ModelBlock>();
  const visit = (block: ModelBlock) => {
    if (ordered.includes(block) || visiting.has(block)) return;
    visiting.add(block);
    // A table that references this one goes before it.
    for (const other of going) if (other !== block && other.foreignKeys.some((key) => key.references === block.name)) visit(other);
    if (!ordered.includes(block)) ordered.push(block);
  };
  going.forEach(visit);
  for (const block of ordered) statements.push(`-- DropTable (its indexes go with it)\nDROP TABLE "${block.table}";`);
  return `${statements.join("\n\n")}\n`;
}
