import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/** The manifest of optional features, at the root of the project: what `npm run feature:remove` reads and edits. */
export const MANIFEST_FILE = "scripts/features/features.json";

const name = z.string().regex(/^[a-z][a-z0-9-]*$/, "a feature's name is lower-case letters, digits and hyphens");
const relativePath = z
  .string()
  .min(1)
  .refine((value) => !path.isAbsolute(value) && !value.split("/").includes(".."), "a path inside the project, relative to its root");

export const featureSchema = z
  .object({
    name,
    /** One line: what the feature gives the app. */
    description: z.string().min(1),
    /** Its own files and folders, deleted whole (its tests among them). Lines of shared files carry markers instead. */
    paths: z.array(relativePath),
    /** Its Prisma models: taken out of prisma/schema.prisma (with the relation fields naming them), their tables dropped. */
    models: z.array(z.string().regex(/^[A-Z][A-Za-z0-9_]*$/)),
    /** The environment variables only it reads (their lines carry markers in lib/env-schema.ts and .env.example). */
    settings: z.array(z.string().regex(/^[A-Z][A-Z0-9_]*$/)),
    /** Features it cannot work without: they cannot be removed while it is installed. */
    requires: z.array(name),
  })
  .strict();

export const manifestSchema = z
  .object({
    /** The features installed, in no particular order. */
    features: z.array(featureSchema),
    /** Features taken out of this copy by `npm run feature:remove`: asking again says so. */
    removed: z.array(name),
  })
  .strict()
  .superRefine((manifest, ctx) => {
    const names = manifest.features.map((feature) => feature.name);
    names.forEach((feature, index) => {
      if (names.indexOf(feature) !== index) ctx.addIssue({ code: "custom", path: ["features", index, "name"], message: `${feature} is listed twice` });
      if (manifest.removed.includes(feature)) ctx.addIssue({ code: "custom", path: ["removed"], message: `${feature} is both installed and removed` });
    });
    manifest.features.forEach((feature, index) =>
      feature.requires.forEach((required) => {
        if (!names.includes(required)) ctx.addIssue({ code: "custom", path: ["features", index, "requires"], message: `${feature.name} requires ${required}, which is not installed` });
      }),
    );
  });

export type Feature = z.infer<typeof featureSchema>;
export type Manifest = z.infer<typeof manifestSchema>;

/** Reads and checks the manifest; throws naming what is wrong. */
export function parseManifest(text: string, file = MANIFEST_FILE): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file} is not a valid feature manifest:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export function readManifest(root: string): Manifest {
  return parseManifest(readFileSync(path.join(root, MANIFEST_FILE), "utf8"));
}

/** The manifest without the features given: they move to `removed`. */
export function withoutFeatures(manifest: Manifest, names: readonly string[]): Manifest {
  return {
    features: manifest.features.filter((feature) => !names.includes(feature.name)),
    removed: [...manifest.removed, ...names],
  };
}

export const formatManifest = (manifest: Manifest) => `${JSON.stringify(manifest, null, 2)}\n`;
