/**
 * What the CI roles' statements are built from: the state storage they read and lock, the resources
 * of the environment stack they read and change, and the statement shapes of their policies.
 */
import { partitionOf } from "../../../config/aws-regions";
import { resourcePrefix, type EnvironmentIdentity } from "../../../config/names";

/** The state storage of state-<env> the roles use: both read and lock it, only apply writes `<env>`'s state. */
export interface CiStateAccess {
  /**
   * The state bucket.
   * Required.
   */
  readonly bucket: string;
  /**
   * The DynamoDB lock table.
   * Required.
   */
  readonly lockTable: string;
  /**
   * ARN of the state key (state-<env>'s KMS key): decrypts the state, and is kept out of the apply role's reach.
   * Required.
   */
  readonly keyArn: string;
  /**
   * Object key of the environment stack's state: the one state the apply role writes.
   * Required.
   */
  readonly environmentKey: string;
  /**
   * Object key of state-<env>'s own state: read and locked for its drift check, never written.
   * Required.
   */
  readonly bootstrapKey: string;
  /**
   * The access-log bucket state-<env> creates, whose settings its drift check reads.
   * @default - none: state-<env> creates no log bucket
   */
  readonly createdAccessLogBucket?: string;
}

/** What the environment stack `<env>` creates that the roles read (plan, drift) or change (apply), by name. */
export interface EnvironmentStackResources {
  /**
   * Prefix of the EventBridge rule names (`taskflow-<env>-`).
   * Required.
   */
  readonly eventRuleNamePrefix: string;
  /**
   * The CloudFormation stack of the managed-login branding styles.
   * Required.
   */
  readonly brandingStackName: string;
  /**
   * Whether the user pool is protected from deletion: without it, the apply role may delete the pool.
   * @default true
   */
  readonly userPoolDeletionProtection?: boolean;
  /**
   * The user pool's web ACL and its request log group.
   * @default - no web ACL
   */
  readonly webAcl?: { readonly name: string; readonly logGroupName: string };
  /**
   * The export of Cognito's user activity: its CloudFormation stack and its log groups.
   * @default - no export
   */
  readonly userActivityExport?: { readonly stackName: string; readonly logGroupNames: readonly string[] };
  /**
   * Whether the stack saves Logs Insights queries.
   * @default false
   */
  readonly savedQueries?: boolean;
  /**
   * Whether the stack requests the custom domain's ACM certificate itself (in us-east-1).
   * @default false
   */
  readonly requestsCertificate?: boolean;
}

/** A statement of an identity-based policy (no Principal: the role it is attached to). */
export interface IdentityStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** A statement of a role's trust policy: who may assume it (no Resource: the role itself). */
export interface TrustStatement {
  Sid: string;
  Effect: "Allow";
  Principal: { Federated: string };
  Action: string;
  Condition: Record<string, Record<string, string | string[]>>;
}

export const policyJson = (statements: readonly (IdentityStatement | TrustStatement)[]): string =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2);

/** Everything the statements are built from, resolved once. */
export interface CiScope {
  readonly environmentName: string;
  /** Lower-case name prefix of the environment's resources (`taskflow-<env>`). */
  readonly prefix: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly state: CiStateAccess;
  readonly bucketArn: string;
  readonly tableArn: string;
  /** Object keys of the environment's and the bootstrap stack's state. */
  readonly stateObjects: readonly string[];
  /** Their lock items' LockID in the lock table: "<bucket>/<key>". */
  readonly lockIds: string[];
  /** The provider's default tags (Project and Environment scope the apply role's writes). */
  readonly tags: Readonly<Record<string, string>>;
  readonly stack: EnvironmentStackResources;
  /** Other roles state-<env> creates (the plan role reads them for state-<env>'s drift check). */
  readonly bootstrapRoleNames: readonly string[];
}

export function ciScope(
  environment: EnvironmentIdentity,
  state: CiStateAccess,
  tags: Readonly<Record<string, string>>,
  stack: EnvironmentStackResources,
  bootstrapRoleNames: readonly string[] = [],
): CiScope {
  const partition = partitionOf(environment.region);
  const stateObjects = [state.environmentKey, state.bootstrapKey];
  return {
    environmentName: environment.name,
    prefix: resourcePrefix(environment.name),
    partition,
    region: environment.region,
    account: environment.accountId,
    state,
    bucketArn: `arn:${partition}:s3:::${state.bucket}`,
    tableArn: `arn:${partition}:dynamodb:${environment.region}:${environment.accountId}:table/${state.lockTable}`,
    stateObjects,
    lockIds: stateObjects.map((key) => `${state.bucket}/${key}`),
    tags,
    stack,
    bootstrapRoleNames,
  };
}

/** Log groups as the group's ARN and as the ":*" form some Logs actions are authorized on. */
export const logGroupArns = (names: readonly string[], s: CiScope): string[] =>
  names.flatMap((g) => {
    const arn = `arn:${s.partition}:logs:${s.region}:${s.account}:log-group:${g}`;
    return [arn, `${arn}:*`];
  });
