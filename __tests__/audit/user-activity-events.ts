/**
 * Exported user-activity events (userAuthEvents, INFO) as Cognito writes them to CloudWatch Logs:
 * the fixtures the audit metric filters and saved queries are tested against.
 *
 * Shape and field names: Cognito Developer Guide, "Exporting logs from Amazon Cognito user pools"
 * (exporting-quotas-and-usage.html), example user-activity log: a JSON object with eventTimestamp,
 * eventSource "USER_ACTIVITY", logLevel "INFO", logSourceVersion, and `message` holding the fields
 * below. Values: the vocabulary of the same event in AdminListUserAuthEvents (API reference,
 * AuthEventType and EventRiskType): eventType SignIn | SignUp | ForgotPassword | PasswordChange |
 * ResendCode; eventResponse Pass | Fail | InProgress; riskLevel Low | Medium | High; riskDecision
 * NoRisk | AccountTakeover | Block. Public projects that index real exports query the flag as a
 * string (`message.compromisedCredentialDetected = "true"`), so the base fixtures write it that way;
 * the spellings the sources do not settle (a JSON boolean flag, upper-case values) are fixtures of
 * their own, so each filter is shown to match them, or not, on purpose. Check a real event once
 * (`npm run investigate -- staging user-events`) and add it here if it differs.
 */

/** Fields of `message` in an exported user-activity event (the page's example, in its order). */
export const DOCUMENTED_MESSAGE_FIELDS = [
  "version",
  "eventId",
  "userSub",
  "userName",
  "userPoolId",
  "clientId",
  "creationDate",
  "eventType",
  "eventResponse",
  "riskLevel",
  "riskDecision",
  "challenges",
  "deviceName",
  "ipAddress",
  "requestId",
  "idpName",
  "compromisedCredentialDetected",
  "city",
  "country",
  "eventFeedbackValue",
  "eventFeedbackDate",
  "eventFeedbackProvider",
  "hasContextData",
] as const;

type Message = Record<(typeof DOCUMENTED_MESSAGE_FIELDS)[number], unknown>;

/** A successful, risk-free password sign-in, every documented field present. */
const BASE: Message = {
  version: "1",
  eventId: "0a1b2c3d-4e5f-6789-abcd-ef0123456789",
  userSub: "11112222-3333-4444-5555-666677778888",
  userName: "11112222-3333-4444-5555-666677778888",
  userPoolId: "ap-northeast-1_EXAMPLE",
  clientId: "1example23456789",
  creationDate: "Sun Dec 06 05:00:00 UTC 2026",
  eventType: "SignIn",
  eventResponse: "Pass",
  riskLevel: "Low",
  riskDecision: "NoRisk",
  challenges: [{ challengeName: "Password", challengeResponse: "Success" }],
  deviceName: "Chrome 130, Windows 10",
  ipAddress: "192.0.2.1",
  requestId: "99998888-7777-6666-5555-444433332222",
  idpName: "",
  compromisedCredentialDetected: "false",
  city: "Tokyo",
  country: "Japan",
  eventFeedbackValue: "",
  eventFeedbackDate: "",
  eventFeedbackProvider: "",
  hasContextData: "true",
};

const event = (message: Partial<Message>) => ({
  eventTimestamp: "1796533200000",
  eventSource: "USER_ACTIVITY",
  logLevel: "INFO",
  logSourceVersion: "1.0",
  message: { ...BASE, ...message },
});

/** Named fixtures: what happened, and the event Cognito exports for it. */
export const USER_ACTIVITY_EVENTS = {
  signInNoRisk: event({}),
  compromisedSignInBlocked: event({ eventResponse: "Fail", riskDecision: "Block", compromisedCredentialDetected: "true" }),
  compromisedSignInBlockedBooleanFlag: event({ eventResponse: "Fail", riskDecision: "Block", compromisedCredentialDetected: true }),
  compromisedSignInBlockedUpperCase: event({ eventResponse: "FAIL", riskDecision: "BLOCK", compromisedCredentialDetected: "true" }),
  // AUDIT mode (staging): scored and logged, let through.
  compromisedSignInPassed: event({ eventResponse: "Pass", riskDecision: "NoRisk", compromisedCredentialDetected: "true" }),
  compromisedSignInPassedBooleanFlag: event({ eventResponse: "Pass", riskDecision: "NoRisk", compromisedCredentialDetected: true }),
  highRiskSignInBlocked: event({ eventResponse: "Fail", riskLevel: "High", riskDecision: "Block" }),
  mediumRiskSignInChallenged: event({ eventResponse: "InProgress", riskLevel: "Medium", riskDecision: "AccountTakeover" }),
  compromisedSignUpBlocked: event({
    eventType: "SignUp",
    eventResponse: "Fail",
    riskDecision: "Block",
    compromisedCredentialDetected: "true",
  }),
  compromisedPasswordChangeBlocked: event({
    eventType: "PasswordChange",
    eventResponse: "Fail",
    riskDecision: "Block",
    compromisedCredentialDetected: "true",
  }),
  wrongPassword: event({ eventResponse: "Fail", challenges: [{ challengeName: "Password", challengeResponse: "Failure" }] }),
} as const;

export type UserActivityEventName = keyof typeof USER_ACTIVITY_EVENTS;
