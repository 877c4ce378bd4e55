import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { Construct } from "constructs";

export interface StateLockTableProps {
  /**
   * The table's name: the S3 backend's `dynamodb_table`.
   * Required.
   */
  readonly tableName: string;
  /**
   * ARN of the customer-managed key that encrypts the table (the state bucket's).
   * Required.
   */
  readonly kmsKeyArn: string;
}

/**
 * DynamoDB table for the S3 backend's `dynamodb_table` locks. Kept while both lock mechanisms run
 * (Terraform >= 1.10 takes the S3 lock file and this lock); remove it once every user is on
 * `use_lockfile` alone.
 */
export class StateLockTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, { tableName, kmsKeyArn }: StateLockTableProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, "table", {
      name: tableName,
      // The S3 backend writes items keyed by the string attribute LockID, and nothing else.
      hashKey: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      // A few requests per apply: on-demand costs cents and never throttles a deploy.
      billingMode: "PAY_PER_REQUEST",
      pointInTimeRecovery: { enabled: true },
      // Lock items carry the state's MD5 digest: same key as the state itself.
      serverSideEncryption: { enabled: true, kmsKeyArn },
      deletionProtectionEnabled: true,
      lifecycle: { preventDestroy: true },
    });
    this.table.overrideLogicalId("state_lock_table");
  }
}
