/**
 * The emulator's AWS WAF for a Cognito user pool (emulator/ext_wafv2.py on top of moto 5.2.1), called
 * through @aws-sdk/client-wafv2 the way aws provider 5.100.0 calls it for aws_wafv2_web_acl and
 * aws_wafv2_web_acl_association. Response shapes are checked against the AWS WAF API reference
 * (https://docs.aws.amazon.com/waf/latest/APIReference/): API_CreateWebACL.html, API_GetWebACL.html,
 * API_ListTagsForResource.html, API_AssociateWebACL.html, API_GetWebACLForResource.html,
 * API_PutLoggingConfiguration.html, API_GetLoggingConfiguration.html, API_DeleteLoggingConfiguration.html
 * ("Response Syntax" and "Errors" of each).
 */
import { CognitoIdentityProviderClient, CreateUserPoolCommand } from "@aws-sdk/client-cognito-identity-provider";
import {
  AssociateWebACLCommand,
  CreateWebACLCommand,
  DeleteLoggingConfigurationCommand,
  GetLoggingConfigurationCommand,
  PutLoggingConfigurationCommand,
  GetWebACLCommand,
  GetWebACLForResourceCommand,
  ListTagsForResourceCommand,
  WAFV2Client,
  type Rule,
} from "@aws-sdk/client-wafv2";
import { startMoto, type Moto } from "./support/moto";
import { awsEnvFor, roleSessionEnv, sdkTlsConfig, withAwsClients, type AwsEnv } from "./support/aws";

const REGION = "ap-northeast-1";
/** moto's default account, which the ARNs below name. */
const ACCOUNT = "123456789012";
const visibility = (MetricName: string) => ({ CloudWatchMetricsEnabled: true, MetricName, SampledRequestsEnabled: true });

/** The rules prod synthesizes (a rate rule per IP and an AWS managed group), in the API's shape. */
const RULES: Rule[] = [
  {
    Name: "AWS-KnownBadInputsRuleSet",
    Priority: 0,
    OverrideAction: { None: {} },
    Statement: { ManagedRuleGroupStatement: { VendorName: "AWS", Name: "AWSManagedRulesKnownBadInputsRuleSet" } },
    VisibilityConfig: visibility("AWS-KnownBadInputsRuleSet"),
  },
  {
    Name: "RateLimitPerIp",
    Priority: 1,
    Action: { Block: {} },
    Statement: { RateBasedStatement: { Limit: 1000, EvaluationWindowSec: 300, AggregateKeyType: "IP" } },
    VisibilityConfig: visibility("RateLimitPerIp"),
  },
];

let moto: Moto;
let waf: WAFV2Client;
let idp: CognitoIdentityProviderClient;
let admin: AwsEnv;

beforeAll(async () => {
  // Every request authorized (startMoto's default), as the harness's administrator of the account.
  moto = await startMoto();
  admin = await awsEnvFor(moto, ACCOUNT, REGION);
  const config = {
    endpoint: moto.endpoint,
    region: REGION,
    credentials: {
      accessKeyId: admin.AWS_ACCESS_KEY_ID,
      secretAccessKey: admin.AWS_SECRET_ACCESS_KEY,
      sessionToken: admin.AWS_SESSION_TOKEN,
    },
    // The emulator speaks HTTPS with a throwaway certificate (support/moto.ts).
    ...sdkTlsConfig(admin),
  };
  waf = new WAFV2Client(config);
  idp = new CognitoIdentityProviderClient(config);
}, 60_000);

afterAll(async () => {
  waf?.destroy();
  idp?.destroy();
  await moto?.stop();
});

const newPool = async (name: string): Promise<string> => (await idp.send(new CreateUserPoolCommand({ PoolName: name }))).UserPool!.Arn!;
const newWebAcl = (name: string) =>
  waf.send(
    new CreateWebACLCommand({
      Name: name,
      Scope: "REGIONAL",
      DefaultAction: { Allow: {} },
      Rules: RULES,
      VisibilityConfig: visibility(name),
      Tags: [{ Key: "Project", Value: "TaskFlow" }],
    }),
  );

describe("Control: the emulator authorizes every WAF request (no allow-all emulator)", () => {
  test("1. a session whose policy allows no wafv2 action is refused CreateWebACL with AccessDeniedException naming it", async () => {
    const reader = await roleSessionEnv(admin, "waf-reader", {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["cognito-idp:DescribeUserPool"], Resource: "*" }],
    });
    const error = await withAwsClients(reader, (c) =>
      c.waf.send(
        new CreateWebACLCommand({
          Name: "refused",
          Scope: "REGIONAL",
          DefaultAction: { Allow: {} },
          Rules: [],
          VisibilityConfig: visibility("refused"),
        }),
      ),
    ).then(
      () => "no error",
      (e: Error) => `${e.name}: ${e.message}`,
    );
    expect(error).toMatch(/^AccessDeniedException: .*waf-reader.* is not authorized to perform: wafv2:CreateWebACL /);
  });
});

describe("a regional web ACL is created, read and tagged as the provider reads it back", () => {
  test("CreateWebACL answers with a Summary of ARN, Id, LockToken and Name", async () => {
    const { Summary } = await newWebAcl("taskflow-shape-user-pool");
    expect(Summary).toEqual(
      expect.objectContaining({ Name: "taskflow-shape-user-pool", Id: expect.any(String), LockToken: expect.any(String) }),
    );
    expect(Summary!.ARN).toBe(`arn:aws:wafv2:${REGION}:123456789012:regional/webacl/taskflow-shape-user-pool/${Summary!.Id}`);
  });

  test("GetWebACL returns the rules as sent, with Capacity, LabelNamespace and a LockToken", async () => {
    const { Summary } = await newWebAcl("taskflow-get-user-pool");
    const got = await waf.send(new GetWebACLCommand({ Name: Summary!.Name, Scope: "REGIONAL", Id: Summary!.Id }));
    expect(got.LockToken).toEqual(expect.any(String));
    expect(got.WebACL).toMatchObject({
      ARN: Summary!.ARN,
      DefaultAction: { Allow: {} },
      VisibilityConfig: visibility("taskflow-get-user-pool"),
      Capacity: expect.any(Number),
      LabelNamespace: "awswaf:123456789012:webacl:taskflow-get-user-pool:",
    });
    expect(got.WebACL!.Rules).toEqual(RULES);
  });

  test("ListTagsForResource answers with TagInfoForResource (ResourceARN, TagList)", async () => {
    const { Summary } = await newWebAcl("taskflow-tags-user-pool");
    const { TagInfoForResource } = await waf.send(new ListTagsForResourceCommand({ ResourceARN: Summary!.ARN }));
    expect(TagInfoForResource).toEqual({ ResourceARN: Summary!.ARN, TagList: [{ Key: "Project", Value: "TaskFlow" }] });
  });
});

describe("a web ACL is associated with a Cognito user pool by the pool's ARN, one web ACL per pool", () => {
  test("AssociateWebACL with the pool's ARN, then GetWebACLForResource names that web ACL", async () => {
    const pool = await newPool("taskflow-assoc");
    const { Summary } = await newWebAcl("taskflow-assoc-user-pool");
    const associated = await waf.send(new AssociateWebACLCommand({ WebACLArn: Summary!.ARN, ResourceArn: pool }));
    expect(Object.keys(associated).filter((k) => k !== "$metadata")).toEqual([]);
    const { WebACL } = await waf.send(new GetWebACLForResourceCommand({ ResourceArn: pool }));
    expect(WebACL).toMatchObject({ ARN: Summary!.ARN, Name: "taskflow-assoc-user-pool" });
  });

  test("a second association takes the place of the first (one web ACL per user pool)", async () => {
    const pool = await newPool("taskflow-replace");
    const first = (await newWebAcl("taskflow-first-user-pool")).Summary!;
    const second = (await newWebAcl("taskflow-second-user-pool")).Summary!;
    await waf.send(new AssociateWebACLCommand({ WebACLArn: first.ARN, ResourceArn: pool }));
    await waf.send(new AssociateWebACLCommand({ WebACLArn: second.ARN, ResourceArn: pool }));
    const { WebACL } = await waf.send(new GetWebACLForResourceCommand({ ResourceArn: pool }));
    expect(WebACL?.ARN).toBe(second.ARN);
  });

  test("a pool without a web ACL: GetWebACLForResource answers without WebACL", async () => {
    const pool = await newPool("taskflow-none");
    const answer = await waf.send(new GetWebACLForResourceCommand({ ResourceArn: pool }));
    expect(answer.WebACL).toBeUndefined();
  });

  test("a pool that does not exist: AssociateWebACL and GetWebACLForResource fail with WAFNonexistentItemException", async () => {
    const real = await newPool("taskflow-ghost-neighbour");
    const ghost = real.replace(/userpool\/.+$/, `userpool/${REGION}_doesNotExist1`);
    const { Summary } = await newWebAcl("taskflow-ghost-user-pool");
    await expect(waf.send(new AssociateWebACLCommand({ WebACLArn: Summary!.ARN, ResourceArn: ghost }))).rejects.toMatchObject({
      name: "WAFNonexistentItemException",
    });
    await expect(waf.send(new GetWebACLForResourceCommand({ ResourceArn: ghost }))).rejects.toMatchObject({
      name: "WAFNonexistentItemException",
    });
  });
});

describe("a web ACL logs to a CloudWatch Logs group named aws-waf-logs-*, as the provider writes and reads it back", () => {
  const logGroupArn = (name: string) => `arn:aws:logs:${REGION}:123456789012:log-group:${name}`;
  const redacted = [{ SingleHeader: { Name: "authorization" } }, { SingleHeader: { Name: "cookie" } }];

  test("PutLoggingConfiguration, then GetLoggingConfiguration returns the destination and redacted headers; Delete removes it", async () => {
    const { Summary } = await newWebAcl("taskflow-log-user-pool");
    const config = {
      ResourceArn: Summary!.ARN,
      LogDestinationConfigs: [logGroupArn("aws-waf-logs-taskflow-log")],
      RedactedFields: redacted,
    };
    const put = await waf.send(new PutLoggingConfigurationCommand({ LoggingConfiguration: config }));
    expect(put.LoggingConfiguration).toMatchObject(config);
    const { LoggingConfiguration } = await waf.send(new GetLoggingConfigurationCommand({ ResourceArn: Summary!.ARN }));
    expect(LoggingConfiguration).toMatchObject(config);
    await waf.send(new DeleteLoggingConfigurationCommand({ ResourceArn: Summary!.ARN }));
    await expect(waf.send(new GetLoggingConfigurationCommand({ ResourceArn: Summary!.ARN }))).rejects.toMatchObject({
      name: "WAFNonexistentItemException",
    });
  });

  test("a log group whose name lacks the aws-waf-logs- prefix is refused with WAFInvalidParameterException", async () => {
    const { Summary } = await newWebAcl("taskflow-badlog-user-pool");
    const config = { ResourceArn: Summary!.ARN, LogDestinationConfigs: [logGroupArn("taskflow-waf-logs")] };
    await expect(waf.send(new PutLoggingConfigurationCommand({ LoggingConfiguration: config }))).rejects.toMatchObject({
      name: "WAFInvalidParameterException",
    });
  });

  test("a web ACL that does not exist is refused with WAFNonexistentItemException", async () => {
    const { Summary } = await newWebAcl("taskflow-nolog-user-pool");
    const ghost = Summary!.ARN!.replace(/\/[^/]+$/, "/00000000-0000-0000-0000-000000000000");
    const config = { ResourceArn: ghost, LogDestinationConfigs: [logGroupArn("aws-waf-logs-taskflow-ghost")] };
    await expect(waf.send(new PutLoggingConfigurationCommand({ LoggingConfiguration: config }))).rejects.toMatchObject({
      name: "WAFNonexistentItemException",
    });
  });
});
