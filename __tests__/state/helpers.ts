/**
 * Helpers for the remote-state suites: run one control against every shipped state-<env> stack
 * (the shipped app's JSON, synthesized once per run), or against one built from a patched config.
 */
import { Testing } from "cdktf";
import { loadEnvironments, type EnvironmentConfig } from "../../config";
import { StateStack } from "../../stacks/state-stack";
import { synthStack, testApp, type EnvName, type TfJson } from "../support/synth";

export const STATE_ENV_NAMES: readonly EnvName[] = ["dev", "staging", "prod"];

const configs = new Map(loadEnvironments().map((c) => [c.name, c]));
export const configOf = (name: EnvName): EnvironmentConfig => configs.get(name)!;

/** Synthesized JSON of state-<env> built from a patched config (a shipped one: shippedStateStack). */
export function synthStateStack(env: EnvironmentConfig): TfJson {
  return JSON.parse(Testing.synth(new StateStack(testApp(), env)));
}

/** Synthesized JSON of a shipped state-<env> stack, from the run's one synth of the shipped app. */
export const shippedStateStack = (name: EnvName): TfJson => synthStack(`state-${name}`);

/** One describe per control; one test per environment, titled with the control's reason. */
export function controlInEveryStateStack(control: string, reason: string, check: (json: TfJson, env: EnvironmentConfig) => void): void {
  describe(control, () => {
    test.each(STATE_ENV_NAMES)(`state-%s: ${reason}`, (name) => check(shippedStateStack(name), configOf(name)));
  });
}

/** Terraform reference to an attribute of a resource, as it appears in synthesized JSON. */
export const ref = (address: string, attribute: string): string => `\${${address}.${attribute}}`;

/**
 * The TLS-only control of a bucket policy, whatever its Sid: every S3 action on the bucket and on
 * its objects is denied when the request was not made over TLS (aws:SecureTransport false).
 */
export const deniesInsecureTransport = (bucketArn: string) =>
  expect.objectContaining({
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  });

export const BUCKET = "aws_s3_bucket.state_bucket";
export const TABLE = "aws_dynamodb_table.state_lock_table";
export const KEY = "aws_kms_key.state_key";

/** The resource at a Terraform address (`type.name`); fails with the addresses present when absent. */
export function resourceAt(json: TfJson, address: string): TfJson {
  const [type, name] = address.split(".");
  const resource = json.resource?.[type]?.[name];
  if (!resource) throw new Error(`no ${address}; ${type}: ${Object.keys(json.resource?.[type] ?? {}).join(", ") || "none"}`);
  return resource;
}
