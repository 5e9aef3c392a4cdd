import { type Harvested, bogusCallback } from "./attacker";
import type { BudgetStage, Kind, ReturningBrowser } from "./budget-stage";
import { atRandomGaps, openLoop, pick, sleep } from "./load";
import { type SignInOutcome, newBrowser, signInThroughApp } from "./sign-in";

/** What runs for `seconds`: page views of each kind's sessions, returning users' sign-ins, maybe new users and an attack. */
export interface LoadPlan {
  seconds: number;
  /** Page views a second: staff sessions view /admin, members /dashboard, each in turn (round robin). */
  viewsPerSecond: Record<Kind, number>;
  /** Returning browsers sign in one at a time, the browsers in turn, each a gap (ms) after the last one ended. */
  returningGapMs: readonly [number, number];
  /** Browsers never seen before try to sign in, one at a time, each a gap (ms) after the last. */
  newUserGapMs?: readonly [number, number];
  /** Bogus callbacks a second, each with one of the harvested states. */
  attack?: { perSecond: number; states: Harvested[] };
}

/** What /api/health said of the budget (lib/auth/features/token-budget/token-budget.ts, tokenBudget), every HEALTH_EVERY_MS. */
export interface BudgetSample {
  refreshUsed: number;
  sessions: Record<"elevated" | "member", { inUse: number; oldestRoleAgeSeconds: number | null }>;
}

/** A sign-in's outcome and how long it took, start to landing. */
export type TimedOutcome = SignInOutcome & { ms: number };

export interface LoadResult {
  startedAt: number;
  /** Per kind: views sent, and the statuses (with where a redirect went) of those not answered 200. */
  views: Record<Kind, { sent: number; notOk: string[] }>;
  returning: TimedOutcome[];
  newUsers: TimedOutcome[];
  /** Where the app sent each bogus callback; beats `skipped` while ATTACK_CONCURRENCY callbacks waited, or with no state left. */
  attack: { landings: string[]; skipped: number };
  samples: BudgetSample[];
}

const HEALTH_EVERY_MS = 2000;
const VIEW_CONCURRENCY = 16;
const ATTACK_CONCURRENCY = 32;
const PATH: Record<Kind, string> = { staff: "/admin", member: "/dashboard" };

/** Runs the plan against the stage's two instances, over the sessions whose cookies are given (sign-ins add theirs). */
export async function runLoad(stage: BudgetStage, cookies: Record<Kind, string[]>, plan: LoadPlan): Promise<LoadResult> {
  const startedAt = Date.now();
  const end = performance.now() + plan.seconds * 1000;
  const appUrl = () => pick(stage.apps).url;
  const result: LoadResult = {
    startedAt,
    views: { staff: { sent: 0, notOk: [] }, member: { sent: 0, notOk: [] } },
    returning: [],
    newUsers: [],
    attack: { landings: [], skipped: 0 },
    samples: [],
  };

  const viewing = (kind: Kind) => {
    let turn = 0;
    return openLoop(plan.viewsPerSecond[kind], end, VIEW_CONCURRENCY, async () => {
      const cookie = cookies[kind][turn++ % cookies[kind].length]!;
      const response = await fetch(`${appUrl()}${PATH[kind]}`, { headers: { cookie }, redirect: "manual" }).catch(() => null);
      await response?.arrayBuffer();
      result.views[kind].sent++;
      if (response?.status !== 200) result.views[kind].notOk.push(response ? `${response.status} ${response.headers.get("location") ?? ""}`.trim() : "no answer");
    });
  };
  const signIn = async (user: string, browser = newBrowser()): Promise<TimedOutcome> => {
    const started = performance.now();
    const outcome = await signInThroughApp(appUrl(), user, browser).catch((error: Error): SignInOutcome => ({ cookie: null, landedOn: `failed: ${error.message}` }));
    return { ...outcome, ms: performance.now() - started };
  };

  // A browser that signs in again holds the new session's cookie, no longer the old one's (whose refresh token
  // UniAuth no longer honours: a new sign-in in the same browser moves UniAuth's session to the new grant).
  const viewedAt = new Map<ReturningBrowser, number>();
  let returningTurn = 0;
  const returning = atRandomGaps(plan.returningGapMs, end, async () => {
    const returningBrowser = stage.returning[returningTurn++ % stage.returning.length]!;
    const outcome = await signIn(returningBrowser.user, returningBrowser.browser);
    result.returning.push(outcome);
    if (!outcome.cookie) return;
    const rotation = cookies[returningBrowser.user === "staff" ? "staff" : "member"];
    const at = viewedAt.get(returningBrowser) ?? rotation.length;
    rotation[at] = outcome.cookie;
    viewedAt.set(returningBrowser, at);
  });
  const newUsers = plan.newUserGapMs && atRandomGaps(plan.newUserGapMs, end, async () => void result.newUsers.push(await signIn(pick(["staff", "member"]))));
  const attack =
    plan.attack &&
    openLoop(plan.attack.perSecond, end, ATTACK_CONCURRENCY, async () => {
      const harvested = plan.attack!.states.pop();
      if (harvested) result.attack.landings.push(await bogusCallback(harvested).catch((error: Error) => `failed: ${error.message}`));
      else result.attack.skipped++;
    }).then((skipped) => void (result.attack.skipped += skipped));
  const sampling = (async () => {
    while (performance.now() < end) {
      const health = await fetch(`${stage.apps[0]!.url}/api/health`).then((response) => response.json() as Promise<{ tokenBudget: { shares: { refresh: { used: number } }; sessions: BudgetSample["sessions"] } | null }>, () => null);
      if (health?.tokenBudget) result.samples.push({ refreshUsed: health.tokenBudget.shares.refresh.used, sessions: health.tokenBudget.sessions });
      await sleep(HEALTH_EVERY_MS);
    }
  })();

  await Promise.all([viewing("staff"), viewing("member"), returning, newUsers, attack, sampling]);
  return result;
}
