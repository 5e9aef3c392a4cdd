import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { type CheckResult, type DoctorInput, fail, ok, skip } from "./check";

/** The advisory list kept in the kit, updated with it. */
export const ADVISORIES_FILE = "lib/auth/advisories.json";
/** The packages checked: Auth.js for Next.js, and the core it pins. */
const PACKAGES = ["next-auth", "@auth/core"] as const;

const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$/;
const COMPARATOR = /^(<=|>=|<|>|=)?(\S+)$/;

const version = z.string().regex(VERSION, "must be a version such as 5.0.0-beta.32");
/** Comparators (`>=1.2.3 <2.0.0-beta.1`) joined by `||`: the forms an advisory's ranges need, and all the comparator reads. */
const range = z
  .string()
  .refine((value) => value.split("||").every((set) => set.trim() && set.trim().split(/\s+/).every((part) => VERSION.test(COMPARATOR.exec(part)?.[2] ?? ""))), {
    message: "must be comparators (<, <=, >, >=, =) of full versions, joined by ||",
  });

export const advisoryListSchema = z.object({
  /** When the list was last compared with the GitHub advisory database. */
  reviewed: z.iso.date(),
  advisories: z.array(
    z.strictObject({
      id: z.string().regex(/^GHSA(-[0-9a-z]{4}){3}$/),
      package: z.string().min(1),
      affected: range,
      fixedIn: z.array(version),
      summary: z.string().min(1),
      url: z.url({ protocol: /^https$/ }),
    }),
  ),
});
export type AdvisoryList = z.infer<typeof advisoryListSchema>;

type Parsed = { release: number[]; prerelease: (number | string)[] };

function parse(value: string): Parsed {
  const match = VERSION.exec(value);
  if (!match) throw new Error(`not a version: ${value}`);
  return {
    release: [Number(match[1]), Number(match[2]), Number(match[3])],
    prerelease: match[4] ? match[4].split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part)) : [],
  };
}

/** Semantic Versioning 2.0.0 precedence: negative when a comes first. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) if (x.release[i] !== y.release[i]) return x.release[i]! - y.release[i]!;
  // A pre-release comes before its release.
  if (!x.prerelease.length || !y.prerelease.length) return y.prerelease.length - x.prerelease.length;
  for (let i = 0; i < Math.max(x.prerelease.length, y.prerelease.length); i++) {
    const [p, q] = [x.prerelease[i], y.prerelease[i]];
    if (p === undefined || q === undefined) return p === undefined ? -1 : 1;
    if (p === q) continue;
    if (typeof p === "number" && typeof q === "number") return p - q;
    // Numeric identifiers come before alphanumeric ones.
    if (typeof p === "number" || typeof q === "number") return typeof p === "number" ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

/**
 * Whether a version is in a range, by plain precedence, pre-releases included: the way an advisory's ranges are meant
 * (5.0.0-beta.31 is in `>=5.0.0-beta.0 <5.0.0-beta.32`), unlike npm's install ranges, which skip pre-releases.
 */
export function inRange(value: string, rangeText: string): boolean {
  return rangeText.split("||").some((set) =>
    set
      .trim()
      .split(/\s+/)
      .every((part) => {
        const [, operator = "=", bound] = COMPARATOR.exec(part)!;
        const order = compareVersions(value, bound!);
        return { "<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0, "=": order === 0 }[operator]!;
      }),
  );
}

const lockSchema = z.object({ packages: z.record(z.string(), z.object({ version: z.string().optional() })) });

/** The versions of a package installed by package-lock.json (a nested copy counts too). */
export function lockedVersions(lock: z.infer<typeof lockSchema>, name: string): string[] {
  const versions = Object.entries(lock.packages)
    .filter(([key, entry]) => (key === `node_modules/${name}` || key.endsWith(`/node_modules/${name}`)) && entry.version && VERSION.test(entry.version))
    .map(([, entry]) => entry.version!);
  return [...new Set(versions)];
}

/** The pinned next-auth and the @auth/core it brings, from package-lock.json, against the kit's advisory list. */
export async function advisoriesCheck({ projectDir, advisoriesFile }: DoctorInput): Promise<CheckResult> {
  const file = advisoriesFile ?? path.join(projectDir, ADVISORIES_FILE);
  const readJson = (name: string) => readFile(name, "utf8").then((text): unknown => JSON.parse(text)).catch(() => null);
  const list = advisoryListSchema.safeParse(await readJson(file));
  if (!list.success) return fail("advisories", `${path.relative(projectDir, file)} is missing or malformed (${z.prettifyError(list.error).split("\n")[0]})`);
  const lock = lockSchema.safeParse(await readJson(path.join(projectDir, "package-lock.json")));
  if (!lock.success) return skip("advisories", "no package-lock.json to read the installed versions from");

  const installed = PACKAGES.flatMap((name) => lockedVersions(lock.data, name).map((installedVersion) => ({ name, version: installedVersion })));
  if (!installed.some(({ name }) => name === "next-auth")) return fail("advisories", "next-auth is not in package-lock.json");
  const hits = installed.flatMap(({ name, version: installedVersion }) => {
    const affecting = list.data.advisories.filter((advisory) => advisory.package === name && inRange(installedVersion, advisory.affected));
    return affecting.length ? [`${name} ${installedVersion} has ${affecting.map((advisory) => `${advisory.id} (fixed in ${advisory.fixedIn.join(", ")})`).join(", ")}`] : [];
  });
  const versions = installed.map(({ name, version: installedVersion }) => `${name} ${installedVersion}`).join(", ");
  if (hits.length) return fail("advisories", `${hits.join("; ")}: upgrade next-auth (summaries in ${path.relative(projectDir, file)})`);
  return ok("advisories", `${versions}: none of the ${list.data.advisories.length} known advisories apply (list reviewed ${list.data.reviewed})`);
}
