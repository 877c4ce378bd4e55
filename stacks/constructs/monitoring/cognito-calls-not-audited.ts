/**
 * Every action of the Cognito user pools API that the security-event rule does NOT report, each with
 * the one-line reason it is not a change an operator has to review. Together with
 * SECURITY_EVENT_GROUPS (security-events.ts) this covers the whole API (a test checks both lists
 * against the API reference's action list), so a new action has to be put in one of the two on
 * purpose. Audit rather than list here anything that grants access, weakens a sign-in control,
 * changes what managed login shows, or hides evidence.
 */

const READ_ONLY = "read-only: describes, gets or lists, changes nothing";
const OWN_SIGN_IN = "a user's own sign-in or token call: traffic, authorized by the user's password, codes or tokens";
const OWN_ACCOUNT =
  "a user's own account call, authorized by their access token or a code sent to them: traffic, not an administrator's change";
const TAKES_ACCESS_AWAY = "revokes sessions, tokens or a remembered device: takes access away and grants none (a containment step)";

export const NOT_SECURITY_RELEVANT: Readonly<Record<string, string>> = {
  // Administrators reading.
  AdminGetDevice: READ_ONLY,
  AdminGetUser: READ_ONLY,
  AdminGetUserAuthFactors: READ_ONLY,
  AdminListDevices: READ_ONLY,
  AdminListGroupsForUser: READ_ONLY,
  AdminListUserAuthEvents: READ_ONLY,
  AdminListUserSessions: READ_ONLY,
  DescribeIdentityProvider: READ_ONLY,
  DescribeManagedLoginBranding: READ_ONLY,
  DescribeManagedLoginBrandingByClient: READ_ONLY,
  DescribeResourceServer: READ_ONLY,
  DescribeRiskConfiguration: READ_ONLY,
  DescribeTerms: READ_ONLY,
  DescribeTermsByClient: READ_ONLY,
  DescribeUserImportJob: READ_ONLY,
  DescribeUserPool: READ_ONLY,
  DescribeUserPoolClient: READ_ONLY,
  DescribeUserPoolDomain: READ_ONLY,
  GetCSVHeader: READ_ONLY,
  GetGroup: READ_ONLY,
  GetIdentityProviderByIdentifier: READ_ONLY,
  GetLogDeliveryConfiguration: READ_ONLY,
  GetProvisionedLimit: READ_ONLY,
  GetSigningCertificate: READ_ONLY,
  GetUICustomization: READ_ONLY,
  GetUserPoolClientSessionConfiguration: READ_ONLY,
  GetUserPoolMfaConfig: READ_ONLY,
  GetUserPoolSessionConfiguration: READ_ONLY,
  ListGroups: READ_ONLY,
  ListIdentityProviders: READ_ONLY,
  ListResourceServers: READ_ONLY,
  ListTagsForResource: READ_ONLY,
  ListTerms: READ_ONLY,
  ListUserImportJobs: READ_ONLY,
  ListUserPoolClientSecrets: READ_ONLY,
  ListUserPoolClients: READ_ONLY,
  ListUserPoolReplicas: READ_ONLY,
  ListUserPools: READ_ONLY,
  ListUsers: READ_ONLY,
  ListUsersInGroup: READ_ONLY,

  // Administrators taking access away (the incident runbook's containment steps).
  AdminForgetDevice: TAKES_ACCESS_AWAY,
  AdminRevokeUserSession: TAKES_ACCESS_AWAY,
  AdminUserGlobalSignOut: TAKES_ACCESS_AWAY,

  // Sign-in traffic: threat protection and the sign-in alarms watch these, not this rule.
  AdminInitiateAuth: OWN_SIGN_IN,
  AdminRespondToAuthChallenge: OWN_SIGN_IN,
  GetClientToken: "machine-to-machine token issue with a client's own secret: traffic (clients and secrets are audited)",
  GetTokensFromRefreshToken: OWN_SIGN_IN,
  InitiateAuth: OWN_SIGN_IN,
  RespondToAuthChallenge: OWN_SIGN_IN,
  RevokeToken: OWN_SIGN_IN,
  GlobalSignOut: OWN_SIGN_IN,

  // Users acting on their own account.
  AssociateSoftwareToken: OWN_ACCOUNT,
  ChangePassword: OWN_ACCOUNT,
  CompleteWebAuthnRegistration: OWN_ACCOUNT,
  ConfirmDevice: OWN_ACCOUNT,
  ConfirmForgotPassword: OWN_ACCOUNT,
  ConfirmSignUp: OWN_ACCOUNT,
  DeleteUser: OWN_ACCOUNT,
  DeleteUserAttributes: OWN_ACCOUNT,
  DeleteWebAuthnCredential: OWN_ACCOUNT,
  ForgetDevice: OWN_ACCOUNT,
  ForgotPassword: OWN_ACCOUNT,
  GetDevice: OWN_ACCOUNT,
  GetUser: OWN_ACCOUNT,
  GetUserAttributeVerificationCode: OWN_ACCOUNT,
  GetUserAuthFactors: OWN_ACCOUNT,
  ListDevices: OWN_ACCOUNT,
  ListUserSessions: OWN_ACCOUNT,
  ListWebAuthnCredentials: OWN_ACCOUNT,
  ResendConfirmationCode: OWN_ACCOUNT,
  RevokeUserSession: OWN_ACCOUNT,
  SetUserMFAPreference: OWN_ACCOUNT,
  SetUserSettings: OWN_ACCOUNT,
  SignUp: OWN_ACCOUNT,
  StartWebAuthnRegistration: OWN_ACCOUNT,
  UpdateAuthEventFeedback: OWN_ACCOUNT,
  UpdateDeviceStatus: OWN_ACCOUNT,
  UpdateUserAttributes: OWN_ACCOUNT,
  VerifySoftwareToken: OWN_ACCOUNT,
  VerifyUserAttribute: OWN_ACCOUNT,

  // Administrative changes that grant no access and weaken no control.
  CreateUserPool: "a new, empty pool: no existing user or client gains access, and every later change to it is audited",
  DeleteUserPoolClientSecret: "removes one of a client's secrets (never the last): takes a credential away, grants none",
  StopUserImportJob: "stops a bulk import; creating and starting one are audited",
  TagResource: "tags only: no policy of this project grants access by a user pool's tags",
  UntagResource: "tags only: no policy of this project grants access by a user pool's tags",
  UpdateProvisionedLimit: "a request-rate quota of the pool (availability, not access)",
};
