/**
 * Every name this project derives from an environment, in one place: stack ids, state keys and the
 * prefixes of AWS resource names. Topic, key and role policies match on these prefixes (alarms
 * `TaskFlow-<env>-*`, rules `taskflow-<env>-*`), so a name built elsewhere would silently fall
 * outside them.
 */

import { partitionOf } from "./aws-regions";
/**
 * Which environment, in which account and Region: all a name or ARN of one of its resources is built
 * from. A resolved environment config is one; constructs and name functions take this, not the config.
 */
export interface EnvironmentIdentity {
  /** Key in environments.ts (`dev`, `prod`): part of every resource name. */
  readonly name: string;
  /** The environment's own AWS account (12 digits). */
  readonly accountId: string;
  /** The environment's Region; its partition (aws, aws-cn, aws-us-gov) follows from it. */
  readonly region: string;
}

/** Lower-case names of the environment's resources: pool, domain prefix, topic, rules, roles, web ACL. */
export const resourcePrefix = (envName: string): string => `taskflow-${envName}`;

/** CloudWatch alarm and dashboard names (the topic and key policies allow exactly `TaskFlow-<env>-*`). */
export const alarmNamePrefix = (envName: string): string => `TaskFlow-${envName}-`;

/** The bootstrap stack of an environment (`cdktf deploy state-<env>`). */
export const stateStackId = (envName: string): string => `state-${envName}`;

/** Object key of the environment stack's state in the state bucket. */
export const environmentStateKey = (envName: string): string => `taskflow/${envName}/terraform.tfstate`;

/** Object key of the bootstrap stack state-<env>'s own state once it has moved into its bucket. */
export const bootstrapStateKey = (envName: string): string => `taskflow/${envName}/state-bootstrap.tfstate`;

/** The state bucket (globally unique by account and region). */
export const stateBucketName = (accountId: string, region: string): string => `taskflow-tfstate-${accountId}-${region}`;

/** ARN of the state key's alias: the backend's kms_key_id and the ops commands that read state both derive it here. */
export const stateKeyAliasArn = (region: string, accountId: string, alias: string): string =>
  `arn:${partitionOf(region)}:kms:${region}:${accountId}:${alias}`;

/** The state bucket's access-log bucket that state-<env> creates. */
export const accessLogBucketName = (accountId: string, region: string): string => `taskflow-tfstate-logs-${accountId}-${region}`;
