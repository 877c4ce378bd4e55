/**
 * The config the shared deployment deploys: the shipped environments plus the two identities the ops
 * commands run as besides the CI roles, so their suites can act as the operators would on AWS:
 *
 * - `incidentResponse.responderPrincipalArns`: the role `taskflow-responders` of the account (what an IAM
 *   Identity Center permission set gives a responder), so state-<env> creates the incident responder role;
 * - `state.breakGlassPrincipalArns`: the role `taskflow-state-break-glass` of the account, the only principal the
 *   state bucket lets delete state versions (and access logs). Not the harness's deploying administrator
 *   (`taskflow-deploy`, support/moto.ts): the suites that show the deploying principal refused stay meaningful.
 *
 * Written into the shared copy's config/environments.ts as an engineer would (after each accountId), so the
 * synth reads it like any config.
 */
import { loadEnvironments, type EnvironmentConfig } from "../../../config";
import { environments as shippedEnvironments } from "../../../config/environments";
import { editConfig } from "./prepared-copies";
import type { WorkingCopy } from "./workdir";

/** The principal the responder role trusts in the shared config (a role, as an Identity Center permission set is). */
export const RESPONDER_PRINCIPAL_ROLE = "taskflow-responders";
/** The break-glass principal of the shared config's state buckets (created by the suite that uses it: awsEnvFor). */
export const STATE_BREAK_GLASS_ROLE = "taskflow-state-break-glass";

type Input = Record<string, unknown>;

/** What the shared config adds to one shipped environment. */
function additions(input: Input): Input {
  const account = input.accountId as string;
  return {
    incidentResponse: { responderPrincipalArns: [`arn:aws:iam::${account}:role/${RESPONDER_PRINCIPAL_ROLE}`] },
    state: { breakGlassPrincipalArns: [`arn:aws:iam::${account}:role/${STATE_BREAK_GLASS_ROLE}`] },
  };
}

function sharedInputs(): Record<string, Input> {
  return Object.fromEntries(
    Object.entries(shippedEnvironments as Record<string, Input>).map(([name, input]) => {
      const added = additions(input);
      const clash = Object.keys(added).filter((k) => k in input);
      // One level deep is all the edit below can write: a shipped section of the same name needs merging by hand here.
      if (clash.length)
        throw new Error(`shared config: config/environments.ts now sets ${name}.${clash.join(", ")}; merge it in ${__filename}`);
      return [name, { ...input, ...added }];
    }),
  );
}

/** The environments the shared deployment deploys (validated as the app validates them). */
export const sharedEnvironments = (): EnvironmentConfig[] => loadEnvironments(sharedInputs());

/** Writes the additions into the copy's config/environments.ts, after each environment's accountId. */
export function writeSharedConfig(copy: WorkingCopy): void {
  for (const input of Object.values(shippedEnvironments as Record<string, Input>)) {
    const line = `accountId: "${input.accountId as string}",`;
    const added = Object.entries(additions(input)).map(([key, value]) => ` ${key}: ${JSON.stringify(value)},`);
    editConfig(copy, line, `${line}${added.join("")}`);
  }
}
