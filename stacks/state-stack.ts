import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config";
import { accessLogBucketName, bootstrapStateKey, stateStackId } from "../config/names";
import { STAGES } from "../config/schema";
import { awsProviderFor, scopingTags, standardTags } from "./aws-provider";
import { useS3Backend } from "./backend";
import { logDeliveryStackName } from "./constructs/audit/log-delivery";
import { auditLogGroupNames, investigationQueries } from "./constructs/audit/queries";
import { logGroupArn, ResponderRole, responderRoleName, userPoolsArn } from "./constructs/audit/responder-role";
import { AccessLogBucket } from "./constructs/access-log-bucket";
import { GithubCiRoles, type EnvironmentStackResources } from "./constructs/ci-roles";
import { brandingStackName } from "./constructs/cognito/managed-login-branding";
import { CustomerManagedKey } from "./constructs/customer-managed-key";
import { ruleNamePrefix } from "./constructs/monitoring/alert-topic";
import { StateBucket } from "./constructs/state-bucket";
import { stateKeyStatements } from "./constructs/state-key-policy";
import { StateLockTable } from "./constructs/state-lock-table";
import { wafLogGroupName, webAclName } from "./constructs/waf/names";

/**
 * Local state file of a bootstrap stack, relative to cdktf.out/stacks/<stack> (where Terraform
 * runs): it lands at the project root, outside cdktf.out, and the synthesized JSON holds no
 * machine-specific path.
 */
export const bootstrapLocalStatePath = (env: EnvironmentConfig): string => `../../../terraform.${stateStackId(env.name)}.tfstate`;

/** Where the state bucket's server access logs go: a bucket this stack creates, an existing one, or nowhere. */
export type AccessLogTarget = { kind: "create"; bucket: string } | { kind: "existing"; bucket: string } | { kind: "off" };

/**
 * The one reading of the three state.* access-log settings: an existing bucket wins (the rule
 * AccessLogBucketOneSource refuses both); otherwise createAccessLogBucket, which defaults to on
 * from staging up (checkov CKV_AWS_18: every state bucket has server access logs) and off in dev.
 */
export function accessLogTarget(env: EnvironmentConfig): AccessLogTarget {
  if (env.state.accessLogBucket) return { kind: "existing", bucket: env.state.accessLogBucket };
  const create = env.state.createAccessLogBucket ?? STAGES.indexOf(env.stage) >= STAGES.indexOf("staging");
  return create ? { kind: "create", bucket: accessLogBucketName(env.accountId, env.region) } : { kind: "off" };
}

/** What the environment stack `<env>` creates that the CI roles read and change, by the names it gives them. */
export function environmentStackResources(env: EnvironmentConfig): EnvironmentStackResources {
  return {
    eventRuleNamePrefix: ruleNamePrefix(env),
    brandingStackName: brandingStackName(env),
    userPoolDeletionProtection: env.userPool.deletionProtection,
    webAcl: env.waf.mode !== "off" ? { name: webAclName(env), logGroupName: wafLogGroupName(env) } : undefined,
    userActivityExport: env.audit.userActivityLogs
      ? { stackName: logDeliveryStackName(env), logGroupNames: Object.values(auditLogGroupNames(env)) }
      : undefined,
    savedQueries: investigationQueries(env).length > 0,
    requestsCertificate: env.authDomain.kind === "custom" && !env.authDomain.certificateArn,
  };
}

/**
 * Creates what the environment stack's S3 backend needs, in the environment's own account: the
 * state bucket, the lock table and their KMS key (`cdktf deploy state-<env>`). Everything is read
 * from the same config as useS3Backend, never referenced across stacks, so environments stay
 * independent and the two sides cannot disagree. This is the one place that turns the
 * environment's config into the props of these constructs.
 */
export class StateStack extends TerraformStack {
  constructor(
    scope: Construct,
    readonly env: EnvironmentConfig,
  ) {
    super(scope, stateStackId(env.name));
    const { state } = env;
    // First deploy: the bucket does not exist yet, so state starts local; then migrate (README).
    if (state.bootstrapBackend === "s3") useS3Backend(this, env, bootstrapStateKey(env.name));
    else new LocalBackend(this, { path: bootstrapLocalStatePath(env) });
    awsProviderFor(this, env);

    const stateKey = new CustomerManagedKey(this, "state-key", {
      env,
      purpose: "Terraform state bucket and lock table",
      alias: state.kmsKeyAlias,
      addressName: "state_key",
      // Data use only through S3 and DynamoDB; the account keeps administering the key.
      accountAccess: "administration",
      statements: stateKeyStatements(env.accountId, env.region),
      // Scheduling this key for deletion makes every state version unreadable.
      preventDestroy: true,
    });

    // Server access logs: into a log bucket created here (default from staging up), an existing one, or none.
    const logs = accessLogTarget(env);
    const logBucket =
      logs.kind === "create"
        ? new AccessLogBucket(this, "state-access-log-bucket", {
            bucketName: logs.bucket,
            sourceBucketName: state.bucket,
            accountId: env.accountId,
            region: env.region,
            retentionDays: state.accessLogRetentionDays,
            noncurrentVersionDays: state.accessLogNoncurrentVersionDays,
            breakGlassPrincipalArns: state.breakGlassPrincipalArns,
          })
        : undefined;
    const { bucket } = new StateBucket(this, "state-bucket", {
      bucketName: state.bucket,
      kmsKeyArn: stateKey.key.arn,
      noncurrentVersionExpirationDays: state.noncurrentVersionExpirationDays,
      breakGlassPrincipalArns: state.breakGlassPrincipalArns,
      accessLogs:
        logs.kind === "off"
          ? undefined
          : logBucket
            ? { bucket: logBucket.bucket.bucket, after: [logBucket.policy] }
            : { bucket: logs.bucket },
    });
    const { table } = new StateLockTable(this, "state-lock-table", { tableName: state.lockTable, kmsKeyArn: stateKey.key.arn });

    // Names are stable: scripts and runbooks read them with `terraform output`.
    const outputs: Record<string, { value: string; description: string }> = {
      state_bucket_name: { value: bucket.bucket, description: "S3 backend bucket" },
      state_bucket_arn: { value: bucket.arn, description: "ARN of the S3 backend bucket" },
      lock_table_name: { value: table.name, description: "S3 backend dynamodb_table" },
      state_key_arn: { value: stateKey.key.arn, description: "KMS key encrypting the state bucket and lock table" },
    };
    const responderPrincipalArns = env.incidentResponse.responderPrincipalArns;
    if (responderPrincipalArns.length) {
      // Here, not in <env>: the CI apply role has no IAM writes (responder-role.ts).
      new ResponderRole(this, "incident-responder", {
        environment: env,
        principalArns: responderPrincipalArns,
        userPoolArn: userPoolsArn(env),
        poolTags: scopingTags(env),
        logGroupArns: [
          ...(env.audit.userActivityLogs ? Object.values(auditLogGroupNames(env)) : []),
          ...(env.audit.cloudTrailLogGroupName ? [env.audit.cloudTrailLogGroupName] : []),
        ].map((name) => logGroupArn(env, name)),
        state: env.state,
      });
    }
    const { githubRepository } = env.ci;
    if (githubRepository) {
      // The pipeline's roles live here, not in <env>: the stack the pipeline applies cannot change its own access.
      const ci = new GithubCiRoles(this, "github-ci", {
        environment: env,
        github: { ...env.ci, githubRepository },
        state: {
          bucket: state.bucket,
          lockTable: state.lockTable,
          keyArn: stateKey.key.arn,
          environmentKey: state.key,
          bootstrapKey: bootstrapStateKey(env.name),
          createdAccessLogBucket: logs.kind === "create" ? logs.bucket : undefined,
        },
        tags: standardTags(env),
        environmentStack: environmentStackResources(env),
        bootstrapRoleNames: responderPrincipalArns.length ? [responderRoleName(env)] : [],
      });
      outputs.ci_plan_role_arn = { value: ci.planRole.arn, description: "Role GitHub Actions assumes to plan and check drift (read-only)" };
      outputs.ci_apply_role_arn = {
        value: ci.applyRole.arn,
        description: "Role GitHub Actions assumes to apply a reviewed plan of the environment",
      };
    }
    for (const [name, props] of Object.entries(outputs)) {
      new TerraformOutput(this, name, props).overrideLogicalId(name);
    }
  }
}
