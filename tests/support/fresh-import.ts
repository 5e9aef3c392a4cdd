import { vi } from "vitest";

/**
 * Imports a module anew with some environment variables changed, so the app's own code runs against, say,
 * a database port where nothing listens. Restores the environment afterwards. The auth features are installed
 * anew too, as every entry point of `@/lib/auth` does (the core modules a test imports are fresh copies).
 */
export async function importWithEnv<T>(load: () => Promise<T>, overrides: Record<string, string>): Promise<T> {
  vi.resetModules();
  const saved = { ...process.env };
  Object.assign(process.env, overrides);
  try {
    await import("@/lib/auth/installed");
    return await load();
  } finally {
    process.env = saved;
  }
}

/** The test database's URL, pointed at a port where nothing listens. */
export function unreachableDatabaseUrl(url: string): string {
  const dead = new URL(url);
  dead.port = "9";
  return dead.href;
}
