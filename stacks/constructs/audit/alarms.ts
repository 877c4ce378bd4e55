/**
 * Metric filters on the exported user-activity log, only for what Cognito's own metrics cannot say.
 *
 * Cognito publishes CompromisedCredentialRisk and AccountTakeoverRisk counts per operation and risk
 * level (see monitoring/metrics.ts), but not what happened to the request: a compromised-credential
 * sign-in that Cognito blocked and one that went through count the same. The exported event carries
 * the outcome (eventResponse, riskDecision), so these two alarms split it:
 *   - blocked: threat protection worked, but someone is trying breached passwords on real accounts;
 *   - succeeded: a sign-in with a known-breached password got in (AUDIT mode, or an action that lets
 *     it through): that account must be contained now.
 *
 * Patterns use CloudWatch Logs' JSON filter syntax (CloudWatch Logs User Guide, "Filter pattern syntax
 * for metric filters", JSON log events). Every field they read (message.eventType,
 * message.compromisedCredentialDetected, message.riskDecision, message.eventResponse) is a field of the
 * exported event (Cognito Developer Guide, "Exporting logs from Amazon Cognito user pools", example
 * user-activity log); note the export's singular compromisedCredentialDetected, where the API's
 * EventRiskType says CompromisedCredentialsDetected. Value spellings follow AdminListUserAuthEvents
 * (Pass, Block); where the sources leave the export's form open, both the API spelling and upper case
 * are matched, and the flag as the string "true" or JSON true. __tests__/audit/alarms.test.ts runs
 * each pattern on exported events of each form (__tests__/audit/user-activity-events.ts).
 */
/** Namespace of the metrics these filters publish (one account per environment, so no environment dimension). */
export const AUDIT_NAMESPACE = "TaskFlow/Audit";

export interface AuditAlarmSpec {
  /** Alarm name after TaskFlow-<env>-, and the metric's name. */
  readonly name: string;
  readonly description: string;
  /** Metric filter pattern on the user-activity log group. */
  readonly pattern: string;
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
}

const anyOf = (field: string, values: string[]) => `(${values.map((v) => `${field} = "${v}"`).join(" || ")})`;
const SIGN_IN = `$.message.eventType = "SignIn"`;
const COMPROMISED = `($.message.compromisedCredentialDetected IS TRUE || $.message.compromisedCredentialDetected = "true")`;
const BLOCKED = anyOf("$.message.riskDecision", ["Block", "BLOCK"]);
const PASSED = anyOf("$.message.eventResponse", ["Pass", "PASS"]);

/** When an audit alarm fires: at `threshold` events in each of `evaluationPeriods` periods of `periodSeconds`. */
export type AuditAlarmTiming = Pick<AuditAlarmSpec, "threshold" | "periodSeconds" | "evaluationPeriods">;

/** The alarms on the exported user-activity events of one environment's pool. */
export function auditAlarmSpecs(environmentName: string, userPoolName: string, alarmTiming: AuditAlarmTiming): AuditAlarmSpec[] {
  const { threshold, periodSeconds, evaluationPeriods } = alarmTiming;
  const timing = { threshold, periodSeconds, evaluationPeriods };
  return [
    {
      name: "CompromisedCredentialsSignInBlocked",
      description: `Threat protection blocked sign-ins to user pool ${userPoolName} with passwords known from public breaches: someone is trying leaked credentials. Run npm run investigate -- ${environmentName} compromised-credentials.`,
      pattern: `{ ${SIGN_IN} && ${COMPROMISED} && ${BLOCKED} }`,
      ...timing,
    },
    {
      name: "CompromisedCredentialsSignInSucceeded",
      description: `A sign-in to user pool ${userPoolName} with a password known from public breaches SUCCEEDED: find the user (npm run investigate -- ${environmentName} compromised-credentials), then disable and sign them out.`,
      pattern: `{ ${SIGN_IN} && ${COMPROMISED} && ${PASSED} }`,
      ...timing,
    },
  ];
}
