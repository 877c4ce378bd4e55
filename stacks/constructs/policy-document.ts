/**
 * IAM, KMS, S3 and CloudWatch Logs policies as typed data, rendered once: every policy of the
 * project goes through here, so a statement has one shape wherever it is asserted.
 */

/** One statement of an IAM/KMS policy document. */
export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal: Record<string, string | string[]> | "*";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export function policyDocument(statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2);
}
