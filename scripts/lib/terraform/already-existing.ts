/**
 * Resources an apply could not create because they already exist outside the state.
 *
 * During an apply Terraform writes the state to S3 only every TF_STATE_PERSIST_INTERVAL seconds and at
 * the end, so an apply killed in between (SIGKILL, a lost CI runner) leaves what it created since the
 * last write outside the state. The next apply tries to create those again, and AWS refuses the ones
 * whose names must be unique; Terraform reports each as
 *
 *   Error: creating <kind> (<name>): ... <AlreadyExists | already exists | DuplicateItem | BucketAlreadyOwnedByYou> ...
 *     with <address>,            (through cdktf deploy: "with <address> (<construct path>),")
 *
 * The way out is to adopt each into the state with `terraform import`, then plan and apply again. The
 * user pool is not among them (Cognito allows two pools with one name): `plan` stops on that one first.
 */
import { stripColours } from "../cli/colours";

export interface ExistingResource {
  /** Terraform address, e.g. aws_cloudwatch_log_group.audit_user_activity. */
  readonly address: string;
  /** What Terraform named in parentheses: the resource's name in AWS. */
  readonly name: string;
}

/** The "already exists" errors of the services these stacks use (CloudWatch Logs, KMS, IAM, DynamoDB, CloudFormation, WAF, S3). */
const ALREADY_EXISTS = /AlreadyExists|already exists|DuplicateItem|BucketAlreadyOwnedByYou/i;

/** Every resource Terraform could not create because it already exists, from an apply's stderr (colours removed). */
export function alreadyExisting(stderr: string): ExistingResource[] {
  const found: ExistingResource[] = [];
  for (const diagnostic of stripColours(stderr)
    .split(/Error: /)
    .slice(1)) {
    const name = diagnostic.match(/^creating [^(\n]*\(([^)\n]+)\)/)?.[1];
    // cdktf deploy adds the construct path: "with <address> (<path>),".
    const address = diagnostic.match(/with ([\w.[\]"-]+)(?: \([^)\n]*\))?,/)?.[1];
    if (name && address && ALREADY_EXISTS.test(diagnostic)) found.push({ address, name });
  }
  return found;
}

/**
 * Types whose import id is the name Terraform prints (each type's "Import" section in the aws provider's
 * docs; checked with terraform import on the emulator for the log group, role, alias and bucket).
 */
const IMPORTED_BY_NAME = new Set([
  "aws_cloudwatch_log_group",
  "aws_iam_role",
  "aws_kms_alias",
  "aws_s3_bucket",
  "aws_dynamodb_table",
  "aws_cloudformation_stack",
]);

const typeOf = (address: string): string => address.split(".")[0];

/** Single quotes when the shell would otherwise split or expand the word. */
const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** The lines that adopt `resources` into the state of the stack in `stackDir` (as shown to the operator), in `region`. */
export function importInstructions(resources: readonly ExistingResource[], stackDir: string, region: string): string[] {
  const importLine = (address: string, id: string) =>
    `  terraform -chdir=${shellWord(stackDir)} import ${shellWord(address)} ${id && shellWord(id)}`;
  return resources.flatMap(({ address, name }) => {
    const type = typeOf(address);
    if (type === "aws_wafv2_web_acl") {
      // A web ACL is imported as <id>/<name>/<scope>; the id is AWS's and not in the error, so the line
      // looks it up with the AWS CLI. A user pool's web ACL is REGIONAL.
      const lookup = `aws wafv2 list-web-acls --scope REGIONAL --region ${region} --query "WebACLs[?Name=='${name}'].Id" --output text`;
      return [`${importLine(address, "")}"$(${lookup})/${name}/REGIONAL"`];
    }
    if (IMPORTED_BY_NAME.has(type)) return [importLine(address, name)];
    return [
      importLine(address, `<import id>`),
      `    <import id>: see "Import" on the aws provider's page for ${type} (${name} is its name)`,
    ];
  });
}

/**
 * What the operator reads when a run failed on `existing`: what happened, the lines that adopt each
 * resource, and `then` (the commands that finish the job once they are adopted).
 */
export function adoptionAdvice(existing: readonly ExistingResource[], stackDir: string, region: string, then: readonly string[]): string {
  return (
    `${existing.length} resource(s) already exist in AWS but not in the state (what an apply interrupted before it ` +
    "wrote its state leaves; if one was made by hand, adopt it only if it is meant to be this stack's). Adopt each into the state, then go on:\n" +
    [...importInstructions(existing, stackDir, region), ...then.map((command) => `  ${command}`)].map((line) => `${line}\n`).join("")
  );
}
