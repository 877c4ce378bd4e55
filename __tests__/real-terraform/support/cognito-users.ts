/**
 * Users the suites sign in with, and their sign-ins. Created by an administrator without the invitation email
 * (MessageAction SUPPRESS), with a verified email, and given a permanent password, which makes the
 * user CONFIRMED and able to sign in at once (API Reference, "AdminSetUserPassword":
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminSetUserPassword.html).
 */
import {
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  ListUserPoolsCommand,
  type AdminInitiateAuthCommandOutput,
  type CognitoIdentityProviderClient,
  type ContextDataType,
} from "@aws-sdk/client-cognito-identity-provider";

export async function createUserWithPassword(
  cognito: CognitoIdentityProviderClient,
  poolId: string,
  email: string,
  password: string,
): Promise<void> {
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: email,
      UserAttributes: [
        { Name: "email", Value: email },
        { Name: "email_verified", Value: "true" },
      ],
      MessageAction: "SUPPRESS",
    }),
  );
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: email, Password: password, Permanent: true }));
}

/** A password sign-in through a client that allows ADMIN_USER_PASSWORD_AUTH, with the context data the risk engine reads, if any. */
export const passwordSignIn = (
  cognito: CognitoIdentityProviderClient,
  poolId: string,
  clientId: string,
  email: string,
  password: string,
  contextData?: ContextDataType,
): Promise<AdminInitiateAuthCommandOutput> =>
  cognito.send(
    new AdminInitiateAuthCommand({
      UserPoolId: poolId,
      ClientId: clientId,
      AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: email, PASSWORD: password },
      ContextData: contextData,
    }),
  );

/** New tokens for a refresh token (REFRESH_TOKEN_AUTH). */
export const refreshTokens = (
  cognito: CognitoIdentityProviderClient,
  poolId: string,
  clientId: string,
  refreshToken: string,
): Promise<AdminInitiateAuthCommandOutput> =>
  cognito.send(
    new AdminInitiateAuthCommand({
      UserPoolId: poolId,
      ClientId: clientId,
      AuthFlow: "REFRESH_TOKEN_AUTH",
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    }),
  );

/**
 * The id of the pool named `poolName` and a test-only app client on it that allows the admin password flow,
 * so a suite signs users in without changing the stack's own client (delete it when done).
 */
export async function testOnlyClient(
  cognito: CognitoIdentityProviderClient,
  poolName: string,
  clientName: string,
): Promise<{ poolId: string; clientId: string }> {
  const { UserPools } = await cognito.send(new ListUserPoolsCommand({ MaxResults: 10 }));
  const poolId = UserPools?.find((p) => p.Name === poolName)?.Id as string;
  const client = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: clientName,
      ExplicitAuthFlows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }),
  );
  return { poolId, clientId: client.UserPoolClient?.ClientId as string };
}
