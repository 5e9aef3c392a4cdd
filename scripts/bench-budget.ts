import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { harvestState, type Harvested } from "./bench/attacker";
import { type BudgetStage, type Kind, startBudgetStage } from "./bench/budget-stage";
import { type LoadResult, type TimedOutcome, runLoad } from "./bench/budget-load";
import { inParallel, pick, slidingMax, tally } from "./bench/load";
import type { SignInOutcome } from "./bench/sign-in";
import { UNIAUTH_RATE_LIMITS } from "./uniauth/server";

// The token budget under load (lib/auth/features/token-budget), in two scenarios: an attack on the open pool while returning users
// sign in and sessions refresh, and the sessions one client address can keep fresh. Two `next start` instances sharing
// one Postgres, the local UniAuth with its per-IP limits on; all on the loopback, bounded in count and time.

// Time is compressed: UniAuth's 900 s window becomes 8 s. The app counts each window 2 s longer than it is
// (MARGIN_SECONDS in lib/auth/features/token-budget/window.ts: 0.2 % of 900 s, but 25 % of 8 s), so the role ages keep the defaults'
// ratios to the window the app counts: 4, 8 and 192 counted windows, as 3600, 7200 and 172800 s are of 902 s.
const WINDOW_SECONDS = 8;
const COUNTED_WINDOW_SECONDS = WINDOW_SECONDS + 2;
const DEFAULTS = { windowSeconds: 900, roleAgeSeconds: 3600, elevatedRolesMaxAgeSeconds: 7200, memberRoleAgeSeconds: 172_800, refreshShare: 18 } as const;
const compressed = (seconds: number) => (seconds / DEFAULTS.windowSeconds) * COUNTED_WINDOW_SECONDS;
const ROLE_AGE = { staff: compressed(DEFAULTS.roleAgeSeconds), member: compressed(DEFAULTS.memberRoleAgeSeconds) } as const;
// The app's defaults for the shares (30 token calls: 18 refreshes, 6 known devices, 6 the open pool) are left unset.
const APP_ENV = {
  UNIAUTH_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS),
  ROLES_MAX_AGE_SECONDS: String(ROLE_AGE.staff),
  ELEVATED_ROLES_MAX_AGE_SECONDS: String(compressed(DEFAULTS.elevatedRolesMaxAgeSeconds)),
  MEMBER_ROLES_MAX_AGE_SECONDS: String(ROLE_AGE.member),
  TRUSTED_PROXY_HOPS: "1",
};
const TOKEN_LIMIT = UNIAUTH_RATE_LIMITS.token;
const OPEN_POOL = 6;
const LOAD_SECONDS = 120;
// Returning browsers (each with its device cookie) sign in in turn, one at a time, 2.5–3.5 s after the last one ended:
// at most 4 in any counted window, within the known-device share (6) and its caps (3 per device, 5 per user).
const RETURNING = ["staff", "member", "member", "member", "staff", "member", "member", "member"];
const RETURNING_GAP_MS = [2500, 3500] as const;
const ATTACK = { perSecond: 10, sessions: { staff: 20, member: 180 }, viewsPerSecond: { staff: 5, member: 5 }, newUserGapMs: [3000, 4000] as const };
const CAPACITY = { sessions: [1000, 2000, 5000], staffShare: 0.05, viewsPerSecond: { staff: 10, member: 15 } };

export async function benchBudget({ build, only }: { build: boolean; only?: string }): Promise<void> {
  if (only && only !== "attack" && only !== "capacity") throw new Error(`npm run bench -- budget [attack|capacity]: not "${only}"`);
  const stage = await startBudgetStage({ build, env: APP_ENV, windowSeconds: WINDOW_SECONDS, returning: RETURNING });
  try {
    console.log(
      `\nnpm run bench -- budget — ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}; two \`next start\` instances, one Postgres, the local UniAuth (limits on: ${TOKEN_LIMIT} token calls per ${WINDOW_SECONDS} s); the app's default shares; role ages ${ROLE_AGE.staff} s (staff), ${ROLE_AGE.member} s (members), staff rights lapse after ${APP_ENV.ELEVATED_ROLES_MAX_AGE_SECONDS} s; ${LOAD_SECONDS} s of load each; server output: ${stage.logFile}`,
    );
    if (only !== "capacity") await attackScenario(stage);
    if (only !== "attack") await capacityScenario(stage);
  } finally {
    await stage.stop();
  }
}

async function attackScenario(stage: BudgetStage): Promise<void> {
  await stage.reset();
  // The attacker's own sign-ins, started before the attack: a start takes nothing from the budget, but once the
  // attack has spent the open pool the app sends new starts to the busy page, so states must be gathered first.
  const states: Harvested[] = [];
  await inParallel(ATTACK.perSecond * LOAD_SECONDS, 4, async () => {
    const harvested = await harvestState(pick(stage.apps).url);
    if (harvested) states.push(harvested);
  });
  // Then the sessions, so that their roles are no older than their role age when the load starts.
  const cookies = await seedBoth(stage, ATTACK.sessions);
  console.log(`\nA. Attack: ${states.length} states harvested; ${LOAD_SECONDS} s of bogus callbacks…`);
  const result = await runLoad(stage, cookies, {
    seconds: LOAD_SECONDS,
    viewsPerSecond: ATTACK.viewsPerSecond,
    returningGapMs: RETURNING_GAP_MS,
    newUserGapMs: ATTACK.newUserGapMs,
    attack: { perSecond: ATTACK.perSecond, states },
  });
  const calls = await measuredCalls(stage, result, "attack");
  const exchanges = stage.events.filter((event) => event.type === "token" && event.at >= result.startedAt && event.detail.grant_type === "authorization_code");
  const bogusAtUniAuth = exchanges.filter((event) => event.detail.status !== 200).length;
  const windows = LOAD_SECONDS / COUNTED_WINDOW_SECONDS;
  const openPoolMax = slidingMax(calls.byShare("uniauth:token:open-pool"), COUNTED_WINDOW_SECONDS * 1000);
  const staffOldest = oldest(result, "elevated");
  const verdict = (met: boolean) => (met ? "met" : "NOT met");
  console.log(`
A. Attack — ${result.attack.landings.length} bogus callbacks (${ATTACK.perSecond}/s, each its own state and a fresh X-Forwarded-For; instances with TRUSTED_PROXY_HOPS=1), ${ATTACK.sessions.staff} staff and ${ATTACK.sessions.member} member sessions viewed (staff /admin ${ATTACK.viewsPerSecond.staff}/s, members /dashboard ${ATTACK.viewsPerSecond.member}/s, in turn), returning users every ${RETURNING_GAP_MS[0] / 1000}–${RETURNING_GAP_MS[1] / 1000} s, new browsers every ${ATTACK.newUserGapMs[0] / 1000}–${ATTACK.newUserGapMs[1] / 1000} s

| what | figure | goal |
|---|---|---|
| returning users' sign-ins (device cookie) | ${signIns(result.returning)}; ${durations(result.returning)} | 0 refused: ${verdict(refused(result.returning) === 0)} |
| new browsers' sign-ins (no device cookie) | ${result.newUsers.length} tried: ${tally(result.newUsers.map(describe))} | busy page 503 with Retry-After |
| bogus callbacks sent | ${result.attack.landings.length} (${(result.attack.landings.length / LOAD_SECONDS).toFixed(1)}/s; ${result.attack.skipped} beats skipped): ${tally(result.attack.landings)} | ≥ ${ATTACK.perSecond}/s: ${verdict(result.attack.landings.length >= ATTACK.perSecond * LOAD_SECONDS)} |
| bogus code exchanges that reached UniAuth | ${bogusAtUniAuth} in ${LOAD_SECONDS} s (${(bogusAtUniAuth / windows).toFixed(1)} per counted window); open-pool calls in any counted window: at most ${openPoolMax} | ≤ the open pool, ${OPEN_POOL}: ${verdict(openPoolMax <= OPEN_POOL)} |
| token calls in any ${WINDOW_SECONDS} s window | ${calls.maxInWindow} (the app's count), ${calls.maxAtUniAuth} (UniAuth's) | ≤ ${TOKEN_LIMIT}: ${verdict(Math.max(calls.maxInWindow, calls.maxAtUniAuth) <= TOKEN_LIMIT)} |
| token calls by share | ${calls.summary} | |
| 429s from UniAuth's token endpoint | ${calls.rateLimited} | 0: ${verdict(calls.rateLimited === 0)} |
| refreshes UniAuth refused | ${calls.refusedRefreshes || "none"} | |
| oldest staff role age (sessions in use, sampled every 2 s) | ${staffOldest ?? "–"} s | ≤ ${ROLE_AGE.staff} + ${COUNTED_WINDOW_SECONDS} s: ${verdict((staffOldest ?? 0) <= ROLE_AGE.staff + COUNTED_WINDOW_SECONDS)} |
| staff sessions past role age + one window at the end | ${await overdueStaff(stage)} | |
| staff GET /admin not 200 | ${notOk(result, "staff")} | 0: ${verdict(result.views.staff.notOk.length === 0)} |
| members GET /dashboard not 200 | ${notOk(result, "member")} | 0: ${verdict(result.views.member.notOk.length === 0)} |`);
}

async function capacityScenario(stage: BudgetStage): Promise<void> {
  const rows: string[] = [];
  for (const total of CAPACITY.sessions) {
    await stage.reset();
    const staff = Math.round(total * CAPACITY.staffShare);
    const cookies = await seedBoth(stage, { staff, member: total - staff });
    console.log(`\nB. Capacity: ${total} sessions (${staff} staff), ${LOAD_SECONDS} s…`);
    const result = await runLoad(stage, cookies, { seconds: LOAD_SECONDS, viewsPerSecond: CAPACITY.viewsPerSecond, returningGapMs: RETURNING_GAP_MS });
    const calls = await measuredCalls(stage, result, `capacity-${total}`);
    const refreshes = calls.byShare("uniauth:token:refresh");
    const cycle = (kind: Kind, count: number) => Math.round(count / CAPACITY.viewsPerSecond[kind]);
    rows.push(
      `| ${total} (${staff} staff) | ${(refreshes.length / (LOAD_SECONDS / COUNTED_WINDOW_SECONDS)).toFixed(1)} mean, ${slidingMax(refreshes, COUNTED_WINDOW_SECONDS * 1000)} max | ${oldest(result, "elevated") ?? "–"} s (view cycle ${cycle("staff", staff)} s) | ${oldest(result, "member") ?? "–"} s (view cycle ${cycle("member", total - staff)} s) | ${notOk(result, "staff")} | ${signIns(result.returning)} | ${calls.rateLimited} |`,
    );
  }
  const perHour = DEFAULTS.refreshShare * (3600 / DEFAULTS.windowSeconds);
  const neededPerUser = CAPACITY.staffShare * (3600 / DEFAULTS.roleAgeSeconds) + (1 - CAPACITY.staffShare) * (3600 / DEFAULTS.memberRoleAgeSeconds);
  console.log(`
B. Capacity — ${CAPACITY.staffShare * 100} % staff; staff view /admin ${CAPACITY.viewsPerSecond.staff}/s, members /dashboard ${CAPACITY.viewsPerSecond.member}/s, each session in turn; sessions written to the database with their roles read a random time within their role age; returning users sign in every ${RETURNING_GAP_MS[0] / 1000}–${RETURNING_GAP_MS[1] / 1000} s. Theory at the defaults: ${perHour} refreshes an hour, each user needs ${neededPerUser.toFixed(4)} → ${Math.floor(perHour / neededPerUser)} users.

| sessions | refresh share used (calls per counted ${COUNTED_WINDOW_SECONDS} s window; share ${DEFAULTS.refreshShare}) | oldest staff role age (role age ${ROLE_AGE.staff} s) | oldest member role age (role age ${ROLE_AGE.member} s) | staff GET /admin not 200 | returning users' sign-ins | 429s |
|---|---|---|---|---|---|---|
${rows.join("\n")}`);
}

async function seedBoth(stage: BudgetStage, counts: Record<Kind, number>): Promise<Record<Kind, string[]>> {
  return { staff: await stage.seed("staff", counts.staff, ROLE_AGE.staff), member: await stage.seed("member", counts.member, ROLE_AGE.member) };
}

/** The token calls of a run: the app's (by share) and UniAuth's own count; both kept as JSON beside the server output. */
async function measuredCalls(stage: BudgetStage, result: LoadResult, name: string) {
  const calls = (await stage.tokenCalls()).filter((call) => call.ms >= result.startedAt);
  const atUniAuth = stage.events.filter((event) => event.type === "token" && event.at >= result.startedAt);
  await writeFile(path.join(path.dirname(stage.logFile), `${name}-token-calls.json`), JSON.stringify({ app: calls, uniauth: atUniAuth }));
  const shares = [...new Set(calls.map((call) => call.share))];
  return {
    byShare: (share: string) => calls.filter((call) => call.share === share).map((call) => call.ms),
    maxInWindow: slidingMax(calls.map((call) => call.ms), WINDOW_SECONDS * 1000),
    maxAtUniAuth: slidingMax(atUniAuth.map((event) => event.at), WINDOW_SECONDS * 1000),
    rateLimited: atUniAuth.filter((event) => event.detail.status === 429).length,
    refusedRefreshes: tally(atUniAuth.filter((event) => event.detail.grant_type === "refresh_token" && event.detail.status !== 200).map((event) => `${event.detail.status} ${String(event.detail.error)}`)),
    summary: shares.map((share) => `${share.replace("uniauth:token:", "")} ${calls.filter((call) => call.share === share).length}`).join(", "),
  };
}

/** Staff sessions in use whose roles are older than their role age and one window, and how many hold a lease or failed a refresh. */
async function overdueStaff(stage: BudgetStage): Promise<string> {
  const { rows } = await stage.db.query<{ overdue: number; leased: number; failed: number }>(
    `SELECT count(*)::int AS overdue, count(*) FILTER (WHERE s."refreshLeaseUntil" > now() AT TIME ZONE 'UTC')::int AS leased,
            count(*) FILTER (WHERE s."refreshFailures" > 0)::int AS failed
     FROM "Session" s JOIN "User" u ON u.id = s."userId"
     WHERE (u."isStaff" OR u."isSuperuser") AND s."lastSeenAt" > (now() AT TIME ZONE 'UTC') - interval '10 minutes'
       AND s."rolesReadAt" < (now() AT TIME ZONE 'UTC') - make_interval(secs => $1)`,
    [ROLE_AGE.staff + COUNTED_WINDOW_SECONDS],
  );
  const { overdue = 0, leased = 0, failed = 0 } = rows[0] ?? {};
  return `${overdue} (${leased} with a live lease, ${failed} after a failed refresh)`;
}

const oldest = (result: LoadResult, kind: "elevated" | "member") =>
  result.samples.reduce<number | null>((max, sample) => Math.max(max ?? 0, sample.sessions[kind].oldestRoleAgeSeconds ?? 0), null);
const refused = (outcomes: SignInOutcome[]) => outcomes.filter((outcome) => !outcome.cookie).length;
const describe = (outcome: SignInOutcome) =>
  outcome.cookie ? "signed in" : outcome.page ? `${outcome.page.status} Retry-After ${outcome.page.retryAfter ?? "none"} (${new URLSearchParams(outcome.landedOn.split("?")[1]).get("error")})` : outcome.landedOn;
const durations = (outcomes: TimedOutcome[]) => {
  const ms = outcomes.map((outcome) => outcome.ms).toSorted((a, b) => a - b);
  return `each took ${((ms[Math.floor(ms.length / 2)] ?? NaN) / 1000).toFixed(1)} s (median), ${((ms.at(-1) ?? NaN) / 1000).toFixed(1)} s (longest)`;
};
const signIns = (outcomes: SignInOutcome[]) => `${outcomes.length} attempted, ${refused(outcomes)} refused${refused(outcomes) ? ` (${tally(outcomes.filter((outcome) => !outcome.cookie).map(describe))})` : ""}`;
const notOk = (result: LoadResult, kind: Kind) => `${result.views[kind].notOk.length} of ${result.views[kind].sent}${result.views[kind].notOk.length ? ` (${tally(result.views[kind].notOk)})` : ""}`;
