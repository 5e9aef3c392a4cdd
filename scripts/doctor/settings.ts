import { readFile } from "node:fs/promises";
import path from "node:path";
import { AUTH_SECRET_KEYS } from "../../lib/auth-secrets";
import { parseEnv } from "../../lib/env-schema";
import { type CheckResult, type DoctorInput, fail, ok, warn } from "./check";

/** The environment as the app reads it under the rules asked for: NODE_ENV=production applies lib/env-schema.ts's production rules. */
export function effectiveEnv({ env, production }: Pick<DoctorInput, "env" | "production">): Record<string, string | undefined> {
  return production ? { ...env, NODE_ENV: "production" } : { ...env };
}

/** lib/env-schema.ts, with its own messages: the check `next build` and `next start` make. */
export function settingsCheck(input: DoctorInput): CheckResult {
  try {
    parseEnv(effectiveEnv(input));
    return ok("settings", `every variable parses (lib/env-schema.ts${input.production ? ", production rules" : ""})`);
  } catch (error) {
    const issues = (error as Error).message
      .split("\n")
      .filter((line) => line.startsWith("  - "))
      .map((line) => line.slice(4));
    return fail("settings", `${issues.join("; ")} (see .env.example)`);
  }
}

/** The app's public origin: cookies are only __Secure- on https, and UniAuth takes https redirect URIs only (but for localhost in development). */
export function authUrlCheck({ env, production }: DoctorInput): CheckResult {
  const value = env.AUTH_URL?.trim();
  if (!value) {
    return production
      ? warn("auth-url", "AUTH_URL unset: each request's host is used (fine on Vercel; self-hosted or with a custom domain, set the https origin)")
      : ok("auth-url", "AUTH_URL unset: each request's host is used");
  }
  if (!URL.canParse(value)) return fail("auth-url", "AUTH_URL is not a URL");
  const url = new URL(value);
  if (production && url.protocol !== "https:") return fail("auth-url", `${url.origin} is not https: production needs https (secure cookies, UniAuth's redirect URIs)`);
  return ok("auth-url", production ? url.origin : `${url.origin}${url.protocol === "https:" ? "" : " (https is required in production only)"}`);
}

/** Strings that mean "fill me in": a secret that contains one was typed by a person, not generated. */
const PLACEHOLDER_WORDS = ["changeme", "change-me", "change_me", "replace", "example", "placeholder", "secret", "password", "generate", "openssl", "dummy", "sample", "0123456789", "abcdefghij", "qwerty"];

/** Bits a generator of this alphabet would give: the strength the secret could have, if it was generated. */
export function estimatedBits(secret: string): number {
  const alphabet = /^[0-9a-f]+$|^[0-9A-F]+$/.test(secret)
    ? 16
    : /^[0-9]+$/.test(secret)
      ? 10
      : /^[A-Za-z0-9+/=_-]+$/.test(secret) && /[a-z]/.test(secret) && /[A-Z]/.test(secret)
        ? 64
        : [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].reduce((size, pattern, index) => size + (pattern.test(secret) ? [26, 26, 10, 32][index]! : 0), 0);
  return Math.floor(secret.length * Math.log2(alphabet));
}

/**
 * Why a secret is weak, or null. Entropy-ish: what can be seen of a string (its length, its variety, a placeholder
 * word, a repeated pattern), since a secret's real entropy is how it was made.
 */
export function secretWeakness(secret: string, knownPlaceholders: readonly string[] = []): { fails: boolean; why: string } | null {
  const lower = secret.toLowerCase();
  if (secret.length < 32) return { fails: true, why: `${secret.length} characters, fewer than 32` };
  if (knownPlaceholders.includes(secret)) return { fails: true, why: "the value from .env.example" };
  if (PLACEHOLDER_WORDS.some((word) => lower.includes(word))) return { fails: true, why: "looks typed, not generated (a placeholder word or sequence)" };
  if (new Set(secret).size < 10) return { fails: true, why: `only ${new Set(secret).size} different characters` };
  for (let period = 1; period <= secret.length / 2; period++) {
    if (secret.slice(period) === secret.slice(0, secret.length - period)) return { fails: true, why: "a repeated pattern" };
  }
  const bits = estimatedBits(secret);
  if (bits < 128) return { fails: true, why: `about ${bits} bits at most` };
  if (bits < 256) return { fails: false, why: `about ${bits} bits at most, under the 256 of \`openssl rand -base64 33\`` };
  return null;
}

async function examplePlaceholders(projectDir: string): Promise<string[]> {
  const example = await readFile(path.join(projectDir, ".env.example"), "utf8").catch(() => "");
  return [...example.matchAll(/^AUTH_SECRET(?:_\d)?=(.*)$/gm)].map((match) => match[1]!.trim().replace(/^(["'])(.*)\1$/, "$2")).filter(Boolean);
}

/** Every AUTH_SECRET(_n) set: long, generated, not a placeholder. Names the variables, never their values. */
export async function authSecretCheck({ env, projectDir }: DoctorInput): Promise<CheckResult> {
  const set = AUTH_SECRET_KEYS.filter((key) => env[key]?.trim()).reverse();
  if (!set.length) return fail("auth-secret", "no AUTH_SECRET set (`openssl rand -base64 33`)");
  const placeholders = await examplePlaceholders(projectDir);
  const findings = set.map((key) => ({ key, weakness: secretWeakness(env[key]!.trim(), placeholders) }));
  const described = (filter: (weakness: ReturnType<typeof secretWeakness>) => boolean) =>
    findings
      .filter(({ weakness }) => filter(weakness))
      .map(({ key, weakness }) => `${key}: ${weakness!.why}`)
      .join("; ");
  if (findings.some(({ weakness }) => weakness?.fails)) return fail("auth-secret", `${described((weakness) => !!weakness?.fails)} (generate one: \`openssl rand -base64 33\`)`);
  if (findings.some(({ weakness }) => weakness)) return warn("auth-secret", described((weakness) => !!weakness));
  return ok("auth-secret", `${set.join(", ")}: long and generated-looking`);
}

export async function settingsChecks(input: DoctorInput): Promise<CheckResult[]> {
  return [settingsCheck(input), authUrlCheck(input), await authSecretCheck(input)];
}
