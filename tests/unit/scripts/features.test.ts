import { describe, expect, it } from "vitest";
import { uninstall } from "../../../scripts/features/installed";
import { removeFromKit } from "../../../scripts/features/kit";
import { parseManifest } from "../../../scripts/features/manifest";
import { MarkerError, markedLines, withoutLines } from "../../../scripts/features/markers";
import { removeModels } from "../../../scripts/features/prisma-schema";

// The parts of `npm run feature:remove` (scripts/features/), on small texts. Markers are built from pieces here so
// that this file holds none itself.
const F = "feature:";
const known = (name: string) => ["a", "b"].includes(name);

describe("markers", () => {
  it("claim a line, or a block from its begin to its end, in each comment syntax", () => {
    const text = [
      `import x from "x"; // ${F}a`,
      `keep();`,
      `{/* ${F}b begin */}`,
      `<p>b</p>`,
      `{/* ${F}b end */}`,
      `| row | <!-- ${F}a -->`,
      `# ${F}b begin`,
      `B=`,
      `# ${F}b end`,
      `    %% ${F}a begin`,
      `    A->>B: step`,
      `    %% ${F}a end`,
      `ul.notes { } /* ${F}b */`,
    ].join("\n");
    const claimed = markedLines("f", text, known);
    expect([...claimed.get("a")!]).toEqual([1, 6, 10, 11, 12]);
    expect([...claimed.get("b")!]).toEqual([3, 4, 5, 7, 8, 9, 13]);
  });

  it("are not markers where the marker does not end the line (prose, strings)", () => {
    expect(markedLines("f", `const s = "// ${F}a";\nsee \`// ${F}a\` above`, known).size).toBe(0);
  });

  it("nest, and an end closes the innermost block", () => {
    const text = [`// ${F}a begin`, `// ${F}b begin`, `x`, `// ${F}b end`, `y`, `// ${F}a end`].join("\n");
    const claimed = markedLines("f", text, known);
    expect([...claimed.get("a")!]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...claimed.get("b")!]).toEqual([2, 3, 4]);
  });

  it("fail loudly when unbalanced or naming no installed feature, with the file and line", () => {
    const errorOf = (text: string) => {
      try {
        markedLines("lib/x.ts", text, known);
      } catch (error) {
        expect(error).toBeInstanceOf(MarkerError);
        return (error as Error).message;
      }
      throw new Error("no error");
    };
    expect(errorOf(`x\n// ${F}a begin\ny`)).toBe(`lib/x.ts:2: "${F}a begin" is never closed by "${F}a end"`);
    expect(errorOf(`// ${F}a end`)).toBe(`lib/x.ts:1: "${F}a end" with no begin above it`);
    expect(errorOf(`// ${F}a begin\n// ${F}b end`)).toContain(`lib/x.ts:2: "${F}b end" closes the block "${F}a begin" opened at line 1`);
    expect(errorOf(`x; // ${F}c`)).toContain(`lib/x.ts:1: a marker names "c"`);
  });

  it("leave no double blank line where a paragraph between blank lines went", () => {
    expect(withoutLines("one\n\ntwo\n\nthree\n", new Set([3]))).toBe("one\n\nthree\n");
    expect(withoutLines("one\n\ntwo\n", new Set([3]))).toBe("one\n");
    expect(withoutLines("one\ntwo\nthree\n", new Set([2]))).toBe("one\nthree\n");
  });
});

describe("removeModels", () => {
  const schema = `model User {
  id      String   @id
  devices Device[]
  pets    Pet[]
}

/// A device.
model Device {
  id     String @id
  userId String
  user   User   @relation(fields: [userId], references: [id])
  tags   Tag[]
}

model Tag {
  id       String @id
  deviceId String
  device   Device @relation(fields: [deviceId], references: [id], map: "tag_device")
}

model Pet {
  id String @id
}
`;

  it("takes the models, their docs and the relation fields naming them out of the schema", () => {
    const { schema: left, removedModels, removedFields } = removeModels(schema, ["Device", "Tag"]);
    expect(left).toBe("model User {\n  id      String   @id\n  pets    Pet[]\n}\n\nmodel Pet {\n  id String @id\n}\n");
    expect(removedModels).toEqual(["Device", "Tag"]);
    expect(removedFields).toEqual(["User.devices"]);
  });

  it("drops the foreign keys first, then the tables, a referencing table before the one it references", () => {
    const { sql } = removeModels(schema, ["Device", "Tag"]);
    const statements = sql.split("\n").filter((line) => line && !line.startsWith("--"));
    expect(statements).toEqual([
      'ALTER TABLE "Device" DROP CONSTRAINT "Device_userId_fkey";',
      'ALTER TABLE "Tag" DROP CONSTRAINT "tag_device";',
      'DROP TABLE "Tag";',
      'DROP TABLE "Device";',
    ]);
  });

  it("refuses a model it does not find, and a kept model holding a foreign key to a removed one", () => {
    expect(() => removeModels(schema, ["Nope"])).toThrow("no model Nope");
    expect(() => removeModels(schema, ["User"])).toThrow("Device.user holds a foreign key to User");
  });
});

describe("uninstall (lib/auth/installed.ts)", () => {
  const installed = `import { installFeatures } from "@/lib/auth/core/features";
import { feature as one } from "@/lib/auth/features/one/feature";
import { feature as two } from "@/lib/auth/features/two/feature";

installFeatures([one, two]);
`;
  it("takes out the import and the entry, and leaves a feature with no hooks alone", () => {
    expect(uninstall(installed, "one")).toBe(`import { installFeatures } from "@/lib/auth/core/features";
import { feature as two } from "@/lib/auth/features/two/feature";

installFeatures([two]);
`);
    expect(uninstall(installed, "three")).toBeNull();
  });
});

describe("the manifest", () => {
  const feature = { name: "a", description: "A.", paths: ["lib/a"], models: [], settings: ["A_LIMIT"], requires: [] };
  it("is checked: names, paths inside the project, requirements installed", () => {
    expect(parseManifest(JSON.stringify({ features: [feature], removed: [] })).features[0]!.name).toBe("a");
    expect(() => parseManifest(JSON.stringify({ features: [{ ...feature, paths: ["../x"] }], removed: [] }))).toThrow("not a valid feature manifest");
    expect(() => parseManifest(JSON.stringify({ features: [{ ...feature, requires: ["b"] }], removed: [] }))).toThrow("a requires b, which is not installed");
    expect(() => parseManifest(JSON.stringify({ features: [feature, feature], removed: [] }))).toThrow("a is listed twice");
    expect(() => parseManifest("{")).toThrow("features.json is not JSON");
  });
});

describe("removeFromKit (lib/auth/kit.json)", () => {
  const feature = { name: "invoices", description: "I.", paths: ["app/invoices", "lib/data/invoices.ts"], models: [], settings: [], requires: [] };
  it("records the feature as removed and drops the globs of its own paths, once", () => {
    const kit = JSON.stringify({ name: "kit", version: "1.0.0", files: ["lib/auth/**", "app/invoices/**", "lib/data/invoices.ts"] });
    const removed = removeFromKit(kit, feature)!;
    expect(removed.globs).toEqual(["app/invoices/**", "lib/data/invoices.ts"]);
    expect(JSON.parse(removed.text)).toEqual({ name: "kit", version: "1.0.0", files: ["lib/auth/**"], removedFeatures: ["invoices"] });
    expect(JSON.parse(removeFromKit(removed.text, feature)!.text).removedFeatures).toEqual(["invoices"]);
    expect(removeFromKit("{}", feature)).toBeNull();
  });
});
