/**
 * Controls on the alert topic's KMS key policy: the statements that let CloudWatch and EventBridge
 * encrypt notifications for the encrypted topic. The emulator does not evaluate key policies, so
 * these read the synthesized JSON against what AWS documents:
 * - SNS Developer Guide, "Key management" (sns-key-management.html): adding aws:SourceAccount and
 *   aws:SourceArn to a KMS key policy is not supported for EventBridge-to-encrypted-topic delivery;
 * - the same page and the GameLift FlexMatch guide ("Set up an SNS topic with server-side
 *   encryption") scope a service's key grant with kms:EncryptionContext:aws:sns:topicArn.
 */
import { ENV_NAMES, resourcesOf, synthStack, type TfJson } from "../support/synth";
import { ACCOUNT } from "../security/helpers";

interface Statement {
  Sid?: string;
  Effect: string;
  Principal: "*" | Record<string, string | string[]>;
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
const servicesOf = (s: Statement): string[] => (s.Principal === "*" ? ["*"] : asList(s.Principal.Service ?? []));
const conditionKeys = (s: Statement): string[] => Object.values(s.Condition ?? {}).flatMap((byKey) => Object.keys(byKey));

/** Condition keys KMS receives when EventBridge publishes to an encrypted SNS topic (only the SNS context). */
const EVENTBRIDGE_SUPPORTED_KEYS = ["kms:EncryptionContext:aws:sns:topicArn"];

function alertKey(json: TfJson): { statements: Statement[]; topic: TfJson } {
  const [topic] = Object.values(resourcesOf(json, "aws_sns_topic"));
  const keyName = /^\$\{aws_kms_key\.([\w-]+)\.arn\}$/.exec(topic.kms_master_key_id)?.[1];
  const key = resourcesOf(json, "aws_kms_key")[keyName ?? ""];
  if (!key) throw new Error(`the alert topic's key ${topic.kms_master_key_id} is not in the stack`);
  return { statements: JSON.parse(key.policy).Statement, topic };
}

describe("AlertTopicKeyEventBridgeConditions: EventBridge's key grant uses only condition keys KMS receives for EventBridge-to-SNS delivery (others make every security event undeliverable)", () => {
  test.each(ENV_NAMES)(
    "%s: the events.amazonaws.com statement carries no aws:SourceAccount, aws:SourceArn or other unsupported key",
    (name) => {
      const { statements } = alertKey(synthStack(name));
      const grants = statements.filter((s) => servicesOf(s).includes("events.amazonaws.com"));
      expect(grants).toHaveLength(1);
      for (const s of grants) {
        expect(conditionKeys(s).filter((k) => !EVENTBRIDGE_SUPPORTED_KEYS.includes(k))).toEqual([]);
      }
    },
  );

  test.each(ENV_NAMES)(
    "%s: the grant is limited to the alert topic by its encryption context (the ARN of the topic as synthesized)",
    (name) => {
      const { statements, topic } = alertKey(synthStack(name));
      const [grant] = statements.filter((s) => servicesOf(s).includes("events.amazonaws.com"));
      expect(grant.Condition).toEqual({
        StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": `arn:aws:sns:ap-northeast-1:${ACCOUNT[name]}:${topic.name}` },
      });
    },
  );
});

describe("AlertTopicKeyCloudWatchConditions: CloudWatch's key grant is limited to this account's alarms and to the alert topic (confused deputy)", () => {
  test.each(ENV_NAMES)("%s: aws:SourceAccount, aws:SourceArn of this environment's alarms and the topic's encryption context", (name) => {
    const { statements, topic } = alertKey(synthStack(name));
    const grants = statements.filter((s) => servicesOf(s).includes("cloudwatch.amazonaws.com"));
    expect(grants).toHaveLength(1);
    expect(grants[0].Condition).toEqual({
      StringEquals: {
        "aws:SourceAccount": ACCOUNT[name],
        "kms:EncryptionContext:aws:sns:topicArn": `arn:aws:sns:ap-northeast-1:${ACCOUNT[name]}:${topic.name}`,
      },
      ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:ap-northeast-1:${ACCOUNT[name]}:alarm:TaskFlow-${name}-*` },
    });
  });
});
