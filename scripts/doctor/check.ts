/** ok: as the auth kit needs it; warn: works, but worth a look (never fails the run); fail: sign-in or logout will break; skip: could not be checked (the line says why). */
export type Status = "ok" | "warn" | "fail" | "skip";

export interface CheckResult {
  name: string;
  status: Status;
  /** One short line: what was found. Never a secret or a token. */
  finding: string;
}

/** What every group of checks is given. */
export interface DoctorInput {
  /** The environment as the app would see it (process.env with the .env files loaded). */
  env: Readonly<Record<string, string | undefined>>;
  /** Production rules: `--production` or NODE_ENV=production. */
  production: boolean;
  /** The project's root: prisma/migrations, package-lock.json, lib/auth/… are read from it. */
  projectDir: string;
  /** Another migrations folder than prisma/migrations (tests). */
  migrationsDir?: string;
  /** Another advisory list than lib/auth/advisories.json (tests). */
  advisoriesFile?: string;
  /** How long one network call may take. */
  timeoutMs?: number;
}

export const ok = (name: string, finding: string): CheckResult => ({ name, status: "ok", finding });
export const warn = (name: string, finding: string): CheckResult => ({ name, status: "warn", finding });
export const fail = (name: string, finding: string): CheckResult => ({ name, status: "fail", finding });
export const skip = (name: string, finding: string): CheckResult => ({ name, status: "skip", finding });

const MARKS: Record<Status, string> = { ok: "ok  ", warn: "WARN", fail: "FAIL", skip: "skip" };

/** One line per check: the mark, the check's name, what it found. */
export function formatResult(result: CheckResult, nameWidth: number): string {
  return `${MARKS[result.status]}  ${result.name.padEnd(nameWidth)}  ${result.finding}`;
}

export function summary(results: readonly CheckResult[]): string {
  const count = (status: Status) => results.filter((result) => result.status === status).length;
  const failed = count("fail");
  return `${failed ? "FAILED" : "passed"}: ${count("ok")} ok, ${count("warn")} warnings, ${failed} failed, ${count("skip")} skipped (warnings do not fail the run)`;
}

export const exitCode = (results: readonly CheckResult[]) => (results.some((result) => result.status === "fail") ? 1 : 0);

/** The values no line may show, whatever a library put in an error message: secrets and the database password. */
export function secretsIn(env: DoctorInput["env"]): string[] {
  const secrets = ["AUTH_SECRET", "AUTH_SECRET_1", "AUTH_SECRET_2", "AUTH_SECRET_3", "UNIAUTH_CLIENT_SECRET", "CRON_SECRET"].map((key) => env[key]?.trim());
  for (const key of ["DATABASE_URL", "DATABASE_URL_UNPOOLED"]) {
    const url = env[key]?.trim();
    if (url && URL.canParse(url)) secrets.push(decodeURIComponent(new URL(url).password), new URL(url).password);
  }
  return secrets.filter((secret): secret is string => !!secret && secret.length >= 4);
}

export function redact(line: string, secrets: readonly string[]): string {
  return secrets.reduce((text, secret) => text.split(secret).join("***"), line);
}

/** A database URL without its credentials, to name it in a line. */
export function describeDatabase(url: string): string {
  const { hostname, port, pathname } = new URL(url);
  return `${hostname}${port ? `:${port}` : ""}${pathname}`;
}

/** The message of a failed network call, with its cause (fetch hides ECONNREFUSED and the like there). */
export function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError" || error.name === "AbortError") return "no answer in time";
  const cause = error.cause instanceof Error ? ((error.cause as NodeJS.ErrnoException).code ?? error.cause.message) : undefined;
  const code = (error as NodeJS.ErrnoException).code;
  return cause ? `${error.message} (${cause})` : code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
