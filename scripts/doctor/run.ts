import { advisoriesCheck } from "./advisories";
import { type CheckResult, type DoctorInput, fail, reason, redact, secretsIn } from "./check";
import { databaseChecks } from "./database";
import { settingsChecks } from "./settings";
import { tokenBudgetCheck } from "./token-budget"; // feature:token-budget
import { backchannelUriCheck, uniauthChecks } from "./uniauth";

/** A group that throws (a bug, not a finding) still gives its line, and the others theirs. */
const guarded = (name: string, group: () => Promise<CheckResult | CheckResult[]>) =>
  group().then(
    (results) => [results].flat(),
    (error: unknown) => [fail(name, `the check itself failed: ${reason(error)}`)],
  );

/** Every check, in a fixed order; the network and database ones run side by side. No line holds a secret. */
export async function runDoctor(input: DoctorInput): Promise<CheckResult[]> {
  const groups = await Promise.all([
    guarded("settings", () => settingsChecks(input)),
    guarded("database", () => databaseChecks(input)),
    guarded("discovery", () => uniauthChecks(input)),
    guarded("backchannel-uri", () => backchannelUriCheck(input)),
    guarded("token-budget", async () => tokenBudgetCheck(input)), // feature:token-budget
    guarded("advisories", () => advisoriesCheck(input)),
  ]);
  const secrets = secretsIn(input.env);
  return groups.flat().map((result) => ({ ...result, finding: redact(result.finding, secrets) }));
}
