/**
 * Config refusals for state.* settings (the shipped environments' own cases are in
 * config-validation.test.ts): a compliant value accepted, a bad one refused with its message.
 */
import { describeRefusals, type RefusalCase } from "../support/config-problems";
import type { EnvName } from "../support/synth";

const LOWERCASE = "must use only lowercase letters, digits, dots and hyphens, and start and end with a letter or digit";
/** A refused bucket name beside the nearest name that is accepted, so each case shows where the rule's edge lies. */
const bucket = (env: EnvName, name: string, nearest: string, message: string): RefusalCase => ({
  rule: `bucket ${name.length > 40 ? `of ${name.length} characters` : JSON.stringify(name)} is refused, ${nearest.length > 40 ? `${nearest.length} characters` : JSON.stringify(nearest)} accepted`,
  env,
  compliant: { state: { bucket: nearest } },
  nonCompliant: { state: { bucket: name } },
  problem: `${env}.state.bucket: ${message}, got ${JSON.stringify(name)}`,
});

const RESERVED_PREFIX = "must not start with xn--, sthree- or amzn-s3-demo-";
const RESERVED_SUFFIX = "must not end with a reserved S3 suffix (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)";
const cases: RefusalCase[] = [
  bucket("prod", "TaskFlow-State", "taskflow-state", LOWERCASE),
  bucket("prod", "ab", "abc", "must be 3 to 63 characters"),
  bucket("prod", "a".repeat(64), "a".repeat(63), "must be 3 to 63 characters"),
  bucket("prod", "-taskflow-state", "a-taskflow-state", LOWERCASE),
  bucket("prod", "taskflow_state", "taskflow-state", LOWERCASE),
  bucket("prod", "192.168.5.4", "192-168-5-4", "must not look like an IP address"),
  bucket("prod", "xn--taskflow-state", "xn-taskflow-state", RESERVED_PREFIX),
  bucket("prod", "sthree-taskflow", "sthree1-taskflow", RESERVED_PREFIX),
  bucket("prod", "taskflow-state-s3alias", "taskflow-state-s3aliases", RESERVED_SUFFIX),
  bucket("prod", "taskflow-state--ol-s3", "taskflow-state-ol-s3", RESERVED_SUFFIX),
  bucket("dev", "taskflow.state", "taskflow-state", "must not contain dots (TLS to virtual-hosted buckets fails with dotted names)"),
  bucket("dev", "taskflow..state", "taskflow--state", "must not contain two adjacent dots"),
  {
    rule: "access log bucket follows the S3 naming rules",
    env: "prod",
    compliant: { state: { accessLogBucket: "taskflow-access-logs" } },
    nonCompliant: { state: { accessLogBucket: "Taskflow-Logs" } },
    problem: `prod.state.accessLogBucket: ${LOWERCASE}, got "Taskflow-Logs"`,
  },
  {
    rule: "noncurrent version retention at least 1 day",
    env: "prod",
    compliant: { state: { noncurrentVersionExpirationDays: 1 } },
    nonCompliant: { state: { noncurrentVersionExpirationDays: 0 } },
    problem: "prod.state.noncurrentVersionExpirationDays: must be between 1 and 3650 days, got 0",
  },
  {
    rule: "noncurrent version retention at most 3650 days",
    env: "staging",
    compliant: { state: { noncurrentVersionExpirationDays: 3650 } },
    nonCompliant: { state: { noncurrentVersionExpirationDays: 3651 } },
    problem: "staging.state.noncurrentVersionExpirationDays: must be between 1 and 3650 days, got 3651",
  },
  {
    rule: "state key is an object key ending in .tfstate",
    env: "prod",
    compliant: { state: { key: "auth/prod.tfstate" } },
    nonCompliant: { state: { key: "auth/prod.json" } },
    problem: 'prod.state.key: must be an object key ending in .tfstate, got "auth/prod.json"',
  },
  {
    rule: "lock table name is a DynamoDB table name",
    env: "prod",
    compliant: { state: { lockTable: "taskflow.locks_1" } },
    nonCompliant: { state: { lockTable: "locks table" } },
    problem: 'prod.state.lockTable: must be 3-255 characters of letters, digits, _ . and -, got "locks table"',
  },
  {
    rule: "key alias is not AWS-managed",
    env: "prod",
    compliant: { state: { kmsKeyAlias: "alias/taskflow/state" } },
    nonCompliant: { state: { kmsKeyAlias: "alias/aws/s3" } },
    problem: 'prod.state.kmsKeyAlias: must not be an AWS-managed alias (alias/aws/...), got "alias/aws/s3"',
  },
  {
    rule: "key alias starts with alias/",
    env: "prod",
    compliant: { state: { kmsKeyAlias: "alias/tfstate" } },
    nonCompliant: { state: { kmsKeyAlias: "tfstate" } },
    problem: 'prod.state.kmsKeyAlias: must start with alias/ followed by letters, digits, /, _ or -, got "tfstate"',
  },
  {
    rule: "bootstrap backend is local or s3",
    env: "prod",
    compliant: { state: { bootstrapBackend: "s3" } },
    nonCompliant: { state: { bootstrapBackend: "remote" } },
    problem: 'prod.state.bootstrapBackend: must be one of "local", "s3", got "remote"',
  },
];

describeRefusals(cases);
