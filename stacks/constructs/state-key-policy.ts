import { accountRoot } from "./customer-managed-key";
import type { PolicyStatement } from "./policy-document";

/** What S3 (SSE-KMS with a bucket key) and DynamoDB (table encryption) ask KMS for on the caller's behalf. */
const DATA_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

/** The kms:ViaService values of the two services that may use the state key in the Region. */
export const stateKeyServices = (region: string): string[] => [`s3.${region}.amazonaws.com`, `dynamodb.${region}.amazonaws.com`];

/**
 * Data use of the state key, granted to the account's principals only when the request comes
 * through S3 or DynamoDB in this region (kms:ViaService; KMS Developer Guide, "kms:ViaService"
 * condition key). Whoever may read the state object or the lock table through their own IAM
 * policies can still do so; a principal with kms:Decrypt alone can no longer decrypt state it
 * copied elsewhere. Administration stays with the account (accountAccess: "administration").
 *
 * DynamoDB: the key policy statements of the DynamoDB Developer Guide, "Encryption at rest:
 * how it works" (section "Key policy for a customer managed key"): the caller creates grants
 * through DynamoDB (kms:CreateGrant with kms:ViaService and kms:GrantIsForAWSResource), and the
 * service principal may describe the key.
 */
export function stateKeyStatements(accountId: string, region: string): PolicyStatement[] {
  const inAccountVia = (services: string[]) => ({
    StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": services },
  });
  return [
    {
      Sid: "StateDataOnlyThroughS3AndDynamoDB",
      Effect: "Allow",
      Principal: { AWS: accountRoot(accountId, region) },
      Action: DATA_ACTIONS,
      Resource: "*",
      Condition: inAccountVia(stateKeyServices(region)),
    },
    {
      Sid: "DynamoDBGrantsForTheLockTable",
      Effect: "Allow",
      Principal: { AWS: accountRoot(accountId, region) },
      Action: "kms:CreateGrant",
      Resource: "*",
      Condition: { ...inAccountVia([`dynamodb.${region}.amazonaws.com`]), Bool: { "kms:GrantIsForAWSResource": true } },
    },
    {
      Sid: "DynamoDBDescribesTheKey",
      Effect: "Allow",
      Principal: { Service: "dynamodb.amazonaws.com" },
      Action: ["kms:Describe*", "kms:Get*", "kms:List*"],
      Resource: "*",
    },
  ];
}
