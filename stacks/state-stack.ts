import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config";
import { bootstrapStateKey } from "../config/names";
import { awsProviderFor } from "./aws-provider";
import { useS3Backend } from "./backend";
import { AccessLogBucket, accessLogTarget } from "./constructs/access-log-bucket";
import { CustomerManagedKey } from "./constructs/customer-managed-key";
import { GithubCiRoles } from "./constructs/github-ci-roles";
import { ResponderRole, responderLogGroupArns, userPoolsArn } from "./constructs/audit/responder-role";
import { StateBucket } from "./constructs/state-bucket";
import { stateKeyStatements } from "./constructs/state-key-policy";
import { StateLockTable } from "./constructs/state-lock-table";
import { stateStackId as stateStackIdOf } from "../config/names";

export const stateStackId = (env: EnvironmentConfig): string => stateStackIdOf(env.name);

/**
 * Local state file of a bootstrap stack, relative to cdktf.out/stacks/<stack> (where Terraform
 * runs): it lands at the project root, outside cdktf.out, and the synthesized JSON holds no
 * machine-specific path.
 */
export const bootstrapLocalStatePath = (env: EnvironmentConfig): string => `../../../terraform.${stateStackId(env)}.tfstate`;

/**
 * Creates what the environment stack's S3 backend needs, in the environment's own account: the
 * state bucket, the lock table and their KMS key (`cdktf deploy state-<env>`). Everything is read
 * from the same config as useS3Backend, never referenced across stacks, so environments stay
 * independent and the two sides cannot disagree.
 */
export class StateStack extends TerraformStack {
  constructor(
    scope: Construct,
    readonly env: EnvironmentConfig,
  ) {
    super(scope, stateStackId(env));
    // First deploy: the bucket does not exist yet, so state starts local; then migrate (README).
    if (env.state.bootstrapBackend === "s3") useS3Backend(this, env, bootstrapStateKey(env.name));
    else new LocalBackend(this, { path: bootstrapLocalStatePath(env) });
    awsProviderFor(this, env);

    const stateKey = new CustomerManagedKey(this, "state-key", {
      env,
      purpose: "Terraform state bucket and lock table",
      alias: env.state.kmsKeyAlias,
      addressName: "state_key",
      // Data use only through S3 and DynamoDB; the account keeps administering the key.
      accountAccess: "administration",
      statements: stateKeyStatements(env),
      // Scheduling this key for deletion makes every state version unreadable.
      preventDestroy: true,
    });

    // Server access logs: into a log bucket created here (default from staging up), an existing one, or none.
    const logs = accessLogTarget(env);
    const logBucket =
      logs.kind === "create" ? new AccessLogBucket(this, "state-access-log-bucket", { env, bucketName: logs.bucket }) : undefined;
    const { bucket } = new StateBucket(this, "state-bucket", {
      env,
      kmsKeyArn: stateKey.key.arn,
      accessLogs:
        logs.kind === "off"
          ? undefined
          : logBucket
            ? { bucket: logBucket.bucket.bucket, after: [logBucket.policy] }
            : { bucket: logs.bucket },
    });
    const { table } = new StateLockTable(this, "state-lock-table", { env, kmsKeyArn: stateKey.key.arn });

    // Names are stable: scripts and runbooks read them with `terraform output`.
    const outputs: Record<string, { value: string; description: string }> = {
      state_bucket_name: { value: bucket.bucket, description: "S3 backend bucket" },
      state_bucket_arn: { value: bucket.arn, description: "ARN of the S3 backend bucket" },
      lock_table_name: { value: table.name, description: "S3 backend dynamodb_table" },
      state_key_arn: { value: stateKey.key.arn, description: "KMS key encrypting the state bucket and lock table" },
    };
    if (env.ci.githubRepository) {
      // The pipeline's roles live here, not in <env>: the stack the pipeline applies cannot change its own access.
      const ci = new GithubCiRoles(this, "github-ci", { env, stateKeyArn: stateKey.key.arn });
      outputs.ci_plan_role_arn = { value: ci.planRole.arn, description: "Role GitHub Actions assumes to plan and check drift (read-only)" };
      outputs.ci_apply_role_arn = {
        value: ci.applyRole.arn,
        description: "Role GitHub Actions assumes to apply a reviewed plan of the environment",
      };
    }
    if (env.incidentResponse.responderPrincipalArns.length) {
      // Here, not in <env>: the CI apply role has no IAM writes (responder-role.ts); the role has its own output.
      new ResponderRole(this, "incident-responder", { env, userPoolArn: userPoolsArn(env), logGroupArns: responderLogGroupArns(env) });
    }
    for (const [name, props] of Object.entries(outputs)) {
      new TerraformOutput(this, name, props).overrideLogicalId(name);
    }
  }
}
