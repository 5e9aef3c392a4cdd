import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { settingParsers } from "../../lib/env-schema";
import { type CheckResult, type DoctorInput, fail, ok, skip } from "./check";

/** The feature's folder: `npm run feature:remove -- token-budget` deletes it, and the check with it. */
export const TOKEN_BUDGET_FOLDER = "lib/auth/features/token-budget";

/** UniAuth's documented limit on token calls per client IP (docs/how-it-works.md, "UniAuth's rate limit"). */
export const UNIAUTH_TOKEN_CALLS = { limit: 30, windowSeconds: 900 } as const;

const KEYS = ["UNIAUTH_TOKEN_LIMIT", "UNIAUTH_RATE_WINDOW_SECONDS", "UNIAUTH_REFRESH_SHARE", "UNIAUTH_KNOWN_DEVICE_SHARE"] as const;

export interface Budget {
  limit: number;
  windowSeconds: number;
  refreshShare: number;
  knownDeviceShare: number;
}

/**
 * The most calls the budget lets through in any span of UniAuth's window: its limit once per window of its own that the
 * span touches (a shorter window refills sooner).
 */
export function mostCallsInUniAuthWindow({ limit, windowSeconds }: Pick<Budget, "limit" | "windowSeconds">): number {
  return windowSeconds >= UNIAUTH_TOKEN_CALLS.windowSeconds ? limit : limit * Math.ceil(UNIAUTH_TOKEN_CALLS.windowSeconds / windowSeconds);
}

export function budgetCheck(budget: Budget): CheckResult {
  const { limit, windowSeconds, refreshShare, knownDeviceShare } = budget;
  const openPool = limit - refreshShare - knownDeviceShare;
  const uniauth = `${UNIAUTH_TOKEN_CALLS.limit} per ${UNIAUTH_TOKEN_CALLS.windowSeconds} s`;
  const problems = [
    openPool < 1 && `UNIAUTH_REFRESH_SHARE ${refreshShare} + UNIAUTH_KNOWN_DEVICE_SHARE ${knownDeviceShare} leave no open pool of UNIAUTH_TOKEN_LIMIT ${limit}: new browsers could never sign in`,
    mostCallsInUniAuthWindow(budget) > UNIAUTH_TOKEN_CALLS.limit &&
      `${limit} calls per ${windowSeconds} s can exceed UniAuth's ${uniauth}: UniAuth's 429 would come first and pause every sign-in`,
  ].filter(Boolean);
  if (problems.length) return fail("token-budget", problems.join("; "));
  return ok("token-budget", `${limit} calls per ${windowSeconds} s (UniAuth allows ${uniauth}): refreshes ${refreshShare}, known devices ${knownDeviceShare}, open pool ${openPool}`);
}

/** The token budget's shares against UniAuth's limit, while the feature is installed (its folder is there). */
export function tokenBudgetCheck({ env, projectDir }: DoctorInput): CheckResult {
  if (!existsSync(path.join(projectDir, TOKEN_BUDGET_FOLDER))) return skip("token-budget", `not installed (no ${TOKEN_BUDGET_FOLDER}/)`);
  const parsers = KEYS.map((key) => settingParsers[key]);
  if (parsers.some((parser) => !parser)) return skip("token-budget", "its settings are not in lib/env-schema.ts");
  const parsed = z.object(Object.fromEntries(KEYS.map((key, index) => [key, parsers[index]!]))).safeParse(env);
  if (!parsed.success) return fail("token-budget", parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; "));
  const values = parsed.data as Record<(typeof KEYS)[number], number>;
  return budgetCheck({
    limit: values.UNIAUTH_TOKEN_LIMIT,
    windowSeconds: values.UNIAUTH_RATE_WINDOW_SECONDS,
    refreshShare: values.UNIAUTH_REFRESH_SHARE,
    knownDeviceShare: values.UNIAUTH_KNOWN_DEVICE_SHARE,
  });
}
