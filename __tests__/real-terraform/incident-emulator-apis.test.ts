/**
 * The emulator extensions the incident-response commands rely on (ext_cognito_users.py,
 * ext_logs.py, ext_cloudformation.py), called through the AWS SDK like the commands call them:
 * each response has the shape the API reference gives. No Terraform: a bare emulator.
 */
import {
  AdminGetUserCommand,
  AdminListUserAuthEventsCommand,
  AdminResetUserPasswordCommand,
  AdminUserGlobalSignOutCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetLogDeliveryConfigurationCommand,
  SetLogDeliveryConfigurationCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteQueryDefinitionCommand,
  DescribeLogGroupsCommand,
  DescribeQueryDefinitionsCommand,
  GetQueryResultsCommand,
  PutLogEventsCommand,
  PutQueryDefinitionCommand,
  StartQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
} from "@aws-sdk/client-cloudformation";
import { awsEnvFor, roleSessionEnv, sdkTlsConfig, withAwsClients, type AwsClients, type AwsEnv } from "./support/aws";
import { createUserWithPassword, passwordSignIn, refreshTokens } from "./support/cognito-users";
import { startMoto, type Moto } from "./support/moto";

jest.setTimeout(60_000);

const ACCOUNT = "555555555555";
const REGION = "ap-northeast-1";
let moto: Moto;
let awsEnv: AwsEnv;

beforeAll(async () => {
  // Every request authorized (startMoto's default), as the harness's administrator of the account.
  moto = await startMoto();
  awsEnv = await awsEnvFor(moto, ACCOUNT, REGION);
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

const aws = <T>(fn: (c: AwsClients) => Promise<T>) => withAwsClients(awsEnv, fn);

async function poolWithUser(mode: "OFF" | "AUDIT" | "ENFORCED", email: string) {
  return aws(async ({ cognito }) => {
    const pool = await cognito.send(
      new CreateUserPoolCommand({
        PoolName: `p-${mode}-${email}`,
        UsernameAttributes: ["email"],
        UserPoolAddOns: { AdvancedSecurityMode: mode },
      }),
    );
    const poolId = pool.UserPool?.Id as string;
    const client = await cognito.send(
      new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "t", ExplicitAuthFlows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH"] }),
    );
    await createUserWithPassword(cognito, poolId, email, "Pw-123456789!");
    return { poolId, clientId: client.UserPoolClient?.ClientId as string };
  });
}

const signIn = (poolId: string, clientId: string, email: string, password: string, headers: Record<string, string> = {}) =>
  aws(({ cognito }) =>
    passwordSignIn(cognito, poolId, clientId, email, password, {
      IpAddress: "198.51.100.7",
      ServerName: "s",
      ServerPath: "/",
      HttpHeaders: Object.entries(headers).map(([headerName, headerValue]) => ({ headerName, headerValue })),
    }).then(
      () => "Pass",
      (e: Error) => e.name,
    ),
  );

describe("Control: the emulator authorizes the incident commands' requests (no allow-all emulator)", () => {
  test("1. a session whose policy allows only DescribeUserPool is refused AdminListUserAuthEvents with AccessDeniedException naming it", async () => {
    const { poolId } = await poolWithUser("OFF", "authz@example.com");
    const reader = await roleSessionEnv(awsEnv, "pool-reader", {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["cognito-idp:DescribeUserPool"], Resource: "*" }],
    });
    const error = await withAwsClients(reader, (c) =>
      c.cognito.send(new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: "authz@example.com" })),
    ).then(
      () => "no error",
      (e: Error) => `${e.name}: ${e.message}`,
    );
    expect(error).toMatch(/^AccessDeniedException: .*pool-reader.* is not authorized to perform: cognito-idp:AdminListUserAuthEvents /);
  });
});

// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminListUserAuthEvents.html
// with AuthEventType, EventRiskType and EventContextDataType.
describe("AdminListUserAuthEvents (ext_cognito_users.py)", () => {
  test("sign-ins are recorded newest first as AuthEventType: EventId, EventType, CreationDate, EventResponse, EventRisk, ChallengeResponses, EventContextData", async () => {
    const { poolId, clientId } = await poolWithUser("ENFORCED", "u1@example.com");
    expect(
      await signIn(poolId, clientId, "u1@example.com", "Pw-123456789!", { "x-emulator-city": "Osaka", "x-emulator-country": "Japan" }),
    ).toBe("Pass");
    expect(await signIn(poolId, clientId, "u1@example.com", "wrong")).toBe("NotAuthorizedException");
    expect(await signIn(poolId, clientId, "u1@example.com", "Pw-123456789!", { "x-emulator-risk-level": "High" })).toBe(
      "NotAuthorizedException",
    );
    const { AuthEvents, NextToken } = await aws(({ cognito }) =>
      cognito.send(new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: "u1@example.com" })),
    );
    expect(NextToken).toBeUndefined();
    expect(
      AuthEvents?.map((e) => [
        e.EventResponse,
        e.EventRisk?.RiskLevel,
        e.EventRisk?.RiskDecision,
        e.ChallengeResponses?.[0]?.ChallengeResponse,
      ]),
    ).toEqual([
      ["Fail", "High", "Block", "Success"],
      ["Fail", "Low", "NoRisk", "Failure"],
      ["Pass", "Low", "NoRisk", "Success"],
    ]);
    const pass = AuthEvents?.[2];
    expect(pass).toEqual({
      EventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      EventType: "SignIn",
      CreationDate: expect.any(Date),
      EventResponse: "Pass",
      EventRisk: { RiskDecision: "NoRisk", RiskLevel: "Low", CompromisedCredentialsDetected: false },
      ChallengeResponses: [{ ChallengeName: "Password", ChallengeResponse: "Success" }],
      EventContextData: { IpAddress: "198.51.100.7", City: "Osaka", Country: "Japan" },
    });
    expect(Math.abs((pass?.CreationDate as Date).getTime() - Date.now())).toBeLessThan(60_000);
  });

  test("MaxResults pages with NextToken", async () => {
    const { poolId, clientId } = await poolWithUser("AUDIT", "u2@example.com");
    for (let i = 0; i < 3; i++) await signIn(poolId, clientId, "u2@example.com", "Pw-123456789!");
    const first = await aws(({ cognito }) =>
      cognito.send(new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: "u2@example.com", MaxResults: 2 })),
    );
    expect(first.AuthEvents).toHaveLength(2);
    const second = await aws(({ cognito }) =>
      cognito.send(
        new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: "u2@example.com", MaxResults: 2, NextToken: first.NextToken }),
      ),
    );
    expect(second.AuthEvents).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();
  });

  test("AUDIT mode records a high risk as AccountTakeover and lets the sign-in through", async () => {
    const { poolId, clientId } = await poolWithUser("AUDIT", "u3@example.com");
    expect(await signIn(poolId, clientId, "u3@example.com", "Pw-123456789!", { "x-emulator-risk-level": "High" })).toBe("Pass");
    const { AuthEvents } = await aws(({ cognito }) =>
      cognito.send(new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: "u3@example.com" })),
    );
    expect(AuthEvents?.[0]?.EventRisk).toEqual({
      RiskDecision: "AccountTakeover",
      RiskLevel: "High",
      CompromisedCredentialsDetected: false,
    });
  });

  test("a pool without threat protection answers UserPoolAddOnNotEnabledException; an unknown user UserNotFoundException", async () => {
    const off = await poolWithUser("OFF", "u4@example.com");
    const error = (poolId: string, username: string) =>
      aws(({ cognito }) =>
        cognito.send(new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: username })).then(
          () => "ok",
          (e: Error) => e.name,
        ),
      );
    expect(await error(off.poolId, "u4@example.com")).toBe("UserPoolAddOnNotEnabledException");
    const on = await poolWithUser("AUDIT", "u5@example.com");
    expect(await error(on.poolId, "nobody@example.com")).toBe("UserNotFoundException");
  });
});

// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html (Errors)
// and API_AdminUserGlobalSignOut.html: the corrections of moto's behaviour in ext_cognito_users.py.
describe("Sign-in and global sign-out as Cognito answers them (ext_cognito_users.py)", () => {
  test("AdminUserGlobalSignOut by username revokes a refresh token issued to a sign-in by email", async () => {
    const { poolId, clientId } = await poolWithUser("OFF", "u8@example.com");
    const tokens = await aws(({ cognito }) => passwordSignIn(cognito, poolId, clientId, "u8@example.com", "Pw-123456789!"));
    const refresh = () =>
      aws(({ cognito }) =>
        refreshTokens(cognito, poolId, clientId, tokens.AuthenticationResult?.RefreshToken as string).then(
          () => "refreshed",
          (e: Error) => e.name,
        ),
      );
    expect(await refresh()).toBe("refreshed");
    await aws(async ({ cognito }) => {
      const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "u8@example.com" }));
      await cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId: poolId, Username: user.Username as string }));
    });
    expect(await refresh()).toBe("NotAuthorizedException");
  });

  test("a password sign-in of a RESET_REQUIRED user fails with PasswordResetRequiredException", async () => {
    const { poolId, clientId } = await poolWithUser("AUDIT", "u9@example.com");
    await aws(({ cognito }) => cognito.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: "u9@example.com" })));
    expect(await signIn(poolId, clientId, "u9@example.com", "Pw-123456789!")).toBe("PasswordResetRequiredException");
    const { AuthEvents } = await aws(({ cognito }) =>
      cognito.send(new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: "u9@example.com" })),
    );
    expect(AuthEvents?.[0]?.EventResponse).toBe("Fail");
  });
});

// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetLogDeliveryConfiguration.html
// and API_GetLogDeliveryConfiguration.html: LogDeliveryConfiguration { UserPoolId, LogConfigurations[] }.
describe("Set/GetLogDeliveryConfiguration (ext_cognito_users.py)", () => {
  test("the configuration reads back as set; userAuthEvents of later sign-ins land in the log group as JSON with the documented fields", async () => {
    const { poolId, clientId } = await poolWithUser("ENFORCED", "u6@example.com");
    const group = "/aws/vendedlogs/cognito/test/user-activity";
    const arn = await aws(async ({ logs }) => {
      await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
      const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
      return (logGroups?.[0]?.arn as string).replace(/:\*$/, "");
    });
    const configurations = [
      { EventSource: "userAuthEvents" as const, LogLevel: "INFO" as const, CloudWatchLogsConfiguration: { LogGroupArn: arn } },
    ];
    const set = await aws(({ cognito }) =>
      cognito.send(new SetLogDeliveryConfigurationCommand({ UserPoolId: poolId, LogConfigurations: configurations })),
    );
    expect(set.LogDeliveryConfiguration).toEqual({ UserPoolId: poolId, LogConfigurations: configurations });
    const got = await aws(({ cognito }) => cognito.send(new GetLogDeliveryConfigurationCommand({ UserPoolId: poolId })));
    expect(got.LogDeliveryConfiguration).toEqual({ UserPoolId: poolId, LogConfigurations: configurations });

    await signIn(poolId, clientId, "u6@example.com", "Pw-123456789!");
    const rows = await aws(async ({ logs }) => {
      const now = Math.floor(Date.now() / 1000);
      const { queryId } = await logs.send(
        new StartQueryCommand({ logGroupName: group, startTime: now - 600, endTime: now, queryString: "fields @timestamp, @message" }),
      );
      await logs.send(new GetQueryResultsCommand({ queryId }));
      return (await logs.send(new GetQueryResultsCommand({ queryId }))).results ?? [];
    });
    expect(rows).toHaveLength(1);
    const message = JSON.parse(rows[0]?.find((f) => f.field === "@message")?.value as string) as { message: Record<string, unknown> };
    expect(message.message).toMatchObject({
      eventType: "SignIn",
      eventResponse: "Pass",
      userPoolId: poolId,
      ipAddress: "198.51.100.7",
      riskDecision: "NoRisk",
    });
    expect(Object.keys(message.message)).toEqual(
      expect.arrayContaining(["userName", "userSub", "clientId", "riskLevel", "compromisedCredentialDetected"]),
    );
  });

  test.each([
    [
      [
        {
          EventSource: "userAuthEvents",
          LogLevel: "ERROR",
          CloudWatchLogsConfiguration: { LogGroupArn: "arn:aws:logs:ap-northeast-1:555555555555:log-group:x" },
        },
      ],
    ],
    [[{ EventSource: "userNotification", LogLevel: "ERROR", S3Configuration: { BucketArn: "arn:aws:s3:::b" } }]],
  ])("refuses a level or destination LogConfigurationType does not allow: %j", async (configurations) => {
    const { poolId } = await poolWithUser("AUDIT", `bad${Math.random()}@example.com`);
    const name = await aws(({ cognito }) =>
      cognito.send(new SetLogDeliveryConfigurationCommand({ UserPoolId: poolId, LogConfigurations: configurations as never })).then(
        () => "ok",
        (e: Error) => e.name,
      ),
    );
    expect(name).toBe("InvalidParameterException");
  });
});

// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cognito-logdeliveryconfiguration.html
describe("AWS::Cognito::LogDeliveryConfiguration in CloudFormation (ext_cloudformation.py)", () => {
  test("a stack with the resource configures the pool through SetLogDeliveryConfiguration; Ref and the physical id are the pool id", async () => {
    const { poolId } = await poolWithUser("AUDIT", "u7@example.com");
    const arn = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/vendedlogs/cfn`;
    const template = {
      Resources: {
        Logs: {
          Type: "AWS::Cognito::LogDeliveryConfiguration",
          Properties: {
            UserPoolId: poolId,
            LogConfigurations: [{ EventSource: "userNotification", LogLevel: "ERROR", CloudWatchLogsConfiguration: { LogGroupArn: arn } }],
          },
        },
      },
      Outputs: { Ref: { Value: { Ref: "Logs" } } },
    };
    const cfn = await withAwsClients(awsEnv, async () => {
      const client = new CloudFormationClient(sdkTlsConfig());
      try {
        await client.send(new CreateStackCommand({ StackName: "log-delivery", TemplateBody: JSON.stringify(template) }));
        const stack = (await client.send(new DescribeStacksCommand({ StackName: "log-delivery" }))).Stacks?.[0];
        const resources = (await client.send(new DescribeStackResourcesCommand({ StackName: "log-delivery" }))).StackResources ?? [];
        return { status: stack?.StackStatus, ref: stack?.Outputs?.[0]?.OutputValue, physical: resources[0]?.PhysicalResourceId };
      } finally {
        client.destroy();
      }
    });
    expect(cfn).toEqual({ status: "CREATE_COMPLETE", ref: poolId, physical: poolId });
    const got = await aws(({ cognito }) => cognito.send(new GetLogDeliveryConfigurationCommand({ UserPoolId: poolId })));
    expect(got.LogDeliveryConfiguration?.LogConfigurations).toEqual(template.Resources.Logs.Properties.LogConfigurations);
  });
});

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutQueryDefinition.html,
// API_DescribeQueryDefinitions.html, API_DeleteQueryDefinition.html, API_StartQuery.html, API_GetQueryResults.html
describe("Query definitions and StartQuery/GetQueryResults (ext_logs.py)", () => {
  test("PutQueryDefinition → DescribeQueryDefinitions by name prefix (QueryDefinition shape) → DeleteQueryDefinition", async () => {
    const id = await aws(async ({ logs }) => {
      const put = await logs.send(
        new PutQueryDefinitionCommand({ name: "TaskFlow/test/A", queryString: "fields @timestamp", logGroupNames: ["/g"] }),
      );
      return put.queryDefinitionId as string;
    });
    const described = await aws(({ logs }) =>
      logs.send(new DescribeQueryDefinitionsCommand({ queryDefinitionNamePrefix: "TaskFlow/test/" })),
    );
    expect(described.queryDefinitions).toEqual([
      {
        queryDefinitionId: id,
        name: "TaskFlow/test/A",
        queryString: "fields @timestamp",
        logGroupNames: ["/g"],
        lastModified: expect.any(Number),
        queryLanguage: "CWLI",
      },
    ]);
    const deleted = await aws(({ logs }) => logs.send(new DeleteQueryDefinitionCommand({ queryDefinitionId: id })));
    expect(deleted.success).toBe(true);
    expect(
      (await aws(({ logs }) => logs.send(new DescribeQueryDefinitionsCommand({ queryDefinitionNamePrefix: "TaskFlow/test/" }))))
        .queryDefinitions,
    ).toEqual([]);
  });

  test("StartQuery filters, groups and sorts the stored events; the first GetQueryResults is Running, then Complete with statistics", async () => {
    const group = "/q/events";
    const now = Date.now();
    const event = (user: string, result: string, ip: string, i: number) => ({
      timestamp: now - 10_000 + i,
      message: JSON.stringify({ message: { eventType: "SignIn", eventResponse: result, userSub: user, ipAddress: ip } }),
    });
    await aws(async ({ logs }) => {
      await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
      await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: "s" }));
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: "s",
          logEvents: [
            event("a", "Fail", "1.1.1.1", 0),
            event("b", "Fail", "1.1.1.1", 1),
            event("a", "Pass", "2.2.2.2", 2),
            event("c", "Fail", "3.3.3.3", 3),
          ],
        }),
      );
    });
    const query = [
      "fields message.ipAddress as ip, message.userSub as sub",
      'filter message.eventType = "SignIn" and message.eventResponse like /(?i)^fail/',
      "stats count(*) as failures, count_distinct(sub) as users by ip",
      "sort failures desc",
    ].join("\n| ");
    const [first, second] = await aws(async ({ logs }) => {
      const seconds = Math.floor(now / 1000);
      const { queryId } = await logs.send(
        new StartQueryCommand({ logGroupNames: [group], startTime: seconds - 60, endTime: seconds + 1, queryString: query }),
      );
      return [await logs.send(new GetQueryResultsCommand({ queryId })), await logs.send(new GetQueryResultsCommand({ queryId }))];
    });
    expect(first?.status).toBe("Running");
    expect(second?.status).toBe("Complete");
    expect(second?.statistics).toMatchObject({ recordsMatched: 2, recordsScanned: 4 });
    const rows = second?.results?.map((r) => Object.fromEntries(r.filter((f) => f.field !== "@ptr").map((f) => [f.field, f.value])));
    expect(rows).toEqual([
      { ip: "1.1.1.1", failures: "2", users: "2" },
      { ip: "3.3.3.3", failures: "1", users: "1" },
    ]);
  });

  test("a command outside the emulated subset is refused with MalformedQueryException, not ignored", async () => {
    const name = await aws(async ({ logs }) => {
      await logs.send(new CreateLogGroupCommand({ logGroupName: "/q/other" }));
      return logs
        .send(
          new StartQueryCommand({
            logGroupName: "/q/other",
            startTime: 0,
            endTime: 1,
            queryString: 'fields @message | parse @message "a*b" as x',
          }),
        )
        .then(
          () => "ok",
          (e: Error) => e.name,
        );
    });
    expect(name).toBe("MalformedQueryException");
  });
});
