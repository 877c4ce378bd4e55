"""
What a request acts on, for ext_authz.py: the resource ARNs built from its parameters (ARN formats from the
Service Authorization Reference page of each service), the resource's own policy, and the context keys
that come from the request or the resource (aws:RequestTag/*, aws:TagKeys, aws:ResourceTag/*,
kms:ResourceAliases, dynamodb:LeadingKeys).

An action that AWS authorizes on "*" (no resource type) is evaluated on "*" by the evaluator, whatever
ARN is built here. A request whose resource cannot be told from its parameters is evaluated on "*" and
logged with "resource": "*", so the list of such operations can be read from the decision log.
"""
import json
from typing import Any, Callable

from moto.cognitoidp.models import cognitoidp_backends
from moto.dynamodb.models import dynamodb_backends
from moto.iam.models import iam_backends
from moto.kms.models import kms_backends
from moto.sns.models import sns_backends


def account_of(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[4] else None


def params_of(response: Any) -> dict[str, Any]:
    """The request's parameters: moto's own parse where it has one, else the JSON body or the query parameters."""
    parsed = getattr(response, "params", None)
    if getattr(response, "automated_parameter_parsing", False) and isinstance(parsed, dict):
        return parsed
    if response.querystring.get("Action"):
        params: dict[str, Any] = {}
        for key, value in sorted(response.querystring.items()):
            params[key] = value[0]
        return params
    try:
        body = json.loads(response.body or "{}")
        return body if isinstance(body, dict) else {}
    except (ValueError, TypeError):
        return {}


def members(params: dict[str, Any], name: str) -> list[Any]:
    """A list parameter: a JSON array, or the query protocol's Name.member.N."""
    value = params.get(name)
    if isinstance(value, list):
        return value
    if value is not None:
        return [value]
    prefix = f"{name}.member."
    return [v for k, v in sorted(params.items(), key=lambda kv: kv[0]) if k.startswith(prefix) and k.count(".") == 2]


def kms_key_aliases(key_arn: str, account: str, region: str) -> list[str]:
    """kms:ResourceAliases: the alias names of the key (AWS KMS Developer Guide, "kms:ResourceAliases")."""
    try:
        key_id = key_arn.split(":key/")[1]
        return sorted(a.alias_name for a in kms_backends[account][region].list_aliases(key_id))
    except Exception:
        return []


def kms_key_arn(key_id: str, account: str, region: str) -> str:
    """The ARN of the key a key id, key ARN, alias name or alias ARN names (KMS authorizes on the key)."""
    if key_id.startswith("arn:") and ":key/" in key_id:
        return key_id
    try:
        return f"arn:aws:kms:{region}:{account}:key/{kms_backends[account][region].any_id_to_key_id(key_id)}"
    except Exception:  # no such key or alias: KMS answers NotFound itself
        return f"arn:aws:kms:{region}:{account}:{key_id if key_id.startswith('alias/') else f'key/{key_id}'}"


def resource_tags(resource: str) -> dict[str, str]:
    """The tags of a KMS key or a user pool named by its ARN (aws:ResourceTag/*); {} for other resources."""
    parts = resource.split(":")
    if len(parts) < 6:
        return {}
    region, account = parts[3], parts[4]
    try:
        if parts[2] == "kms" and ":key/" in resource:
            listed = kms_backends[account][region].list_resource_tags(resource.split(":key/")[1])
            return {t["TagKey"]: t["TagValue"] for t in listed.get("Tags", [])}
        if parts[2] == "cognito-idp" and ":userpool/" in resource:
            pool = cognitoidp_backends[account][region].user_pools.get(resource.split(":userpool/")[1])
            return dict(pool.extended_config.get("UserPoolTags") or {}) if pool is not None else {}
    except Exception:
        return {}
    return {}


def resource_tag_context(resource: str) -> dict[str, str]:
    return {f"aws:ResourceTag/{k}": v for k, v in resource_tags(resource).items()}


# What DynamoDB asks KMS for with the caller's credentials, for a table encrypted with a KMS key in the account
# (DynamoDB Developer Guide, "Encryption at rest: how it works"): creating the table (or switching its key) has
# DynamoDB describe the key, create the grant it uses for background work (kms:GrantIsForAWSResource) and generate
# the table key; any access to the table's items decrypts the table key (DynamoDB caches it for up to five minutes
# per caller: every request is evaluated here, which decides the same).
TABLE_KEY_SETUP = ["kms:DescribeKey", "kms:CreateGrant", "kms:GenerateDataKey"]
ITEM_OPERATIONS = {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan"}


def dynamodb_kms_requests(r: "Request") -> list[tuple[str, str, dict[str, Any]]]:
    """(action, key ARN, extra context) of each KMS request DynamoDB makes for this request's caller."""
    p = r.params
    if r.operation in ("CreateTable", "UpdateTable"):
        key_id = (p.get("SSESpecification") or {}).get("KMSMasterKeyId")
        if not key_id:
            return []
        key = r.kms_key_arn(key_id)
        return [(a, key, {"kms:GrantIsForAWSResource": "true"} if a == "kms:CreateGrant" else {}) for a in TABLE_KEY_SETUP]
    if r.operation not in ITEM_OPERATIONS or not p.get("TableName"):
        return []
    try:
        sse = dynamodb_backends[r.account][r.region].get_table(p["TableName"]).sse_specification or {}
    except Exception:
        return []  # no such table: DynamoDB answers ResourceNotFoundException itself
    key_id = sse.get("KMSMasterKeyId") if sse.get("Enabled") else None
    if not key_id:
        return []  # the AWS owned key: not in the account, no policy of ours applies
    key = r.kms_key_arn(key_id)
    try:
        if not kms_backends[r.account][r.region].get_key_policy(key.split(":key/")[1]):
            return []  # moto's stand-in for the AWS managed key aws/dynamodb has no policy; AWS's lets the account use it via DynamoDB
    except Exception:
        return []
    return [("kms:Decrypt", key, {})]


class Request:
    def __init__(self, response: Any, service: str, operation: str, region: str, account: str) -> None:
        self.response = response
        self.service = service
        self.operation = operation
        self.region = region
        self.account = account
        self.params = params_of(response)

    def arn(self, service: str, resource: str, region: str | None = None, account: str | None = None) -> str:
        return f"arn:aws:{service}:{self.region if region is None else region}:{self.account if account is None else account}:{resource}"

    # --- resources -------------------------------------------------------------------------------------------

    def resources(self) -> list[str]:
        builder = BUILDERS.get(self.service)
        found = builder(self) if builder else []
        return [r for r in found if r]

    def kms_key_arn(self, key_id: str) -> str:
        return kms_key_arn(key_id, self.account, self.region)

    # --- the resource's own policy ----------------------------------------------------------------------------

    def resource_policy(self, resource: str) -> dict[str, Any] | None:
        try:
            if self.service == "kms" and ":key/" in resource:
                key_id = resource.split(":key/")[1]
                return json.loads(kms_backends[self.account][self.region].get_key_policy(key_id))
            if self.service == "sts" and ":role/" in resource:
                # A role's trust policy is the resource policy of sts:AssumeRole (IAM User Guide, "Role trust
                # policies"): even in the role's own account the caller must be allowed by it.
                role = iam_backends[account_of(resource) or self.account]["aws"].get_role(resource.split("/")[-1])
                return json.loads(role.assume_role_policy_document)
            if self.service == "sns" and resource != "*":
                topic = sns_backends[self.account][self.region].topics.get(resource)
                return json.loads(topic.policy) if topic is not None else None
        except Exception:
            return None
        return None

    # --- context keys from the request and the resource ---------------------------------------------------------

    def request_tags(self) -> dict[str, str]:
        p = self.params
        tags: dict[str, str] = {}
        for name in ("Tags", "tags", "UserPoolTags"):
            value = p.get(name)
            if isinstance(value, dict):
                tags.update({str(k): str(v) for k, v in value.items()})
            elif isinstance(value, list):
                for t in value:
                    if isinstance(t, dict):
                        k = t.get("Key", t.get("TagKey"))
                        if k is not None:
                            tags[str(k)] = str(t.get("Value", t.get("TagValue", "")))
        # Query protocol: Tags.member.N.Key / .Value
        for key, value in p.items():
            if key.startswith("Tags.member.") and key.endswith(".Key"):
                tags[str(value)] = str(p.get(key[: -len("Key")] + "Value", ""))
        return tags

    def leading_keys(self) -> list[str]:
        """dynamodb:LeadingKeys: the partition key value of the item (Key or Item) the request names."""
        table_name = self.params.get("TableName")
        item = self.params.get("Key") or self.params.get("Item")
        if not table_name or not isinstance(item, dict):
            return []
        try:
            attr = dynamodb_backends[self.account][self.region].get_table(table_name).hash_key_attr
        except Exception:
            return []
        value = item.get(attr)
        return [str(next(iter(value.values())))] if isinstance(value, dict) and value else []

    def context(self, resource: str) -> dict[str, Any]:
        ctx: dict[str, Any] = {}
        tags = self.request_tags()
        if tags:
            ctx["aws:TagKeys"] = list(tags)
            ctx.update({f"aws:RequestTag/{k}": v for k, v in tags.items()})
        ctx.update(resource_tag_context(resource))
        if self.service == "kms" and ":key/" in resource:
            aliases = kms_key_aliases(resource, self.account, self.region)
            if aliases:
                ctx["kms:ResourceAliases"] = aliases
        if self.service == "dynamodb":
            keys = self.leading_keys()
            if keys:
                ctx["dynamodb:LeadingKeys"] = keys
        return ctx


# --- ARNs by service ------------------------------------------------------------------------------------------


def _cognito(r: Request) -> list[str]:
    p = r.params
    if p.get("ResourceArn"):
        return [p["ResourceArn"]]
    if p.get("UserPoolId"):
        return [r.arn("cognito-idp", f"userpool/{p['UserPoolId']}")]
    return []


def _kms(r: Request) -> list[str]:
    p = r.params
    out = []
    if p.get("AliasName"):
        out.append(r.arn("kms", p["AliasName"]))
    for name in ("KeyId", "TargetKeyId"):
        if p.get(name):
            out.append(r.kms_key_arn(p[name]))
    return out


def _sns(r: Request) -> list[str]:
    p = r.params
    for name in ("TopicArn", "ResourceArn"):
        if p.get(name):
            return [p[name]]
    if p.get("SubscriptionArn"):
        return [p["SubscriptionArn"].rsplit(":", 1)[0]]  # <topic ARN>:<id>: authorized on the topic
    if r.operation == "CreateTopic" and p.get("Name"):
        return [r.arn("sns", p["Name"])]
    return []


def _cloudwatch(r: Request) -> list[str]:
    p = r.params
    if p.get("ResourceARN"):
        return [p["ResourceARN"]]
    alarms = ([p["AlarmName"]] if p.get("AlarmName") else []) + members(p, "AlarmNames")
    dashboards = ([p["DashboardName"]] if p.get("DashboardName") else []) + members(p, "DashboardNames")
    return [r.arn("cloudwatch", f"alarm:{a}") for a in alarms] + [r.arn("cloudwatch", f"dashboard/{d}", region="") for d in dashboards]


def _logs(r: Request) -> list[str]:
    p = r.params
    if p.get("resourceArn"):
        return [p["resourceArn"].removesuffix(":*")]
    name = p.get("logGroupName") or p.get("logGroupIdentifier")
    if name:
        return [name if name.startswith("arn:") else r.arn("logs", f"log-group:{name}")]
    return []


def _events(r: Request) -> list[str]:
    p = r.params
    if p.get("ResourceARN"):
        return [p["ResourceARN"]]
    rule = p.get("Rule") or (p.get("Name") if "Rule" in r.operation else None)
    return [r.arn("events", f"rule/{rule}")] if rule else []


def _dynamodb(r: Request) -> list[str]:
    p = r.params
    if p.get("ResourceArn"):
        return [p["ResourceArn"]]
    return [r.arn("dynamodb", f"table/{p['TableName']}")] if p.get("TableName") else []


def _iam(r: Request) -> list[str]:
    p = r.params
    for name in ("PolicyArn", "OpenIDConnectProviderArn"):
        if p.get(name) and r.operation not in ("AttachRolePolicy", "DetachRolePolicy"):
            return [p[name]]
    if p.get("RoleName"):
        return [f"arn:aws:iam::{r.account}:role/{p['RoleName']}"]
    if r.operation == "CreateOpenIDConnectProvider" and p.get("Url"):
        return [f"arn:aws:iam::{r.account}:oidc-provider/{p['Url'].removeprefix('https://')}"]
    if p.get("UserName"):
        return [f"arn:aws:iam::{r.account}:user/{p['UserName']}"]
    return []


def _sts(r: Request) -> list[str]:
    return [r.params["RoleArn"]] if r.params.get("RoleArn") else []


def _wafv2(r: Request) -> list[str]:
    p = r.params
    # AssociateWebACL names both: AWS authorizes the action on the web ACL and on the protected resource.
    named = [p[n] for n in ("WebACLArn", "ResourceARN", "ResourceArn") if p.get(n)]
    if named:
        return named
    scope = "global" if p.get("Scope") == "CLOUDFRONT" else "regional"
    if p.get("Name") and p.get("Id"):
        return [r.arn("wafv2", f"{scope}/webacl/{p['Name']}/{p['Id']}")]
    if p.get("Name"):
        return [r.arn("wafv2", f"{scope}/webacl/{p['Name']}/*")]
    return []


def _cloudformation(r: Request) -> list[str]:
    name = r.params.get("StackName")
    if not name:
        return []
    return [name if name.startswith("arn:") else r.arn("cloudformation", f"stack/{name}/*")]


def _acm(r: Request) -> list[str]:
    return [r.params["CertificateArn"]] if r.params.get("CertificateArn") else []


BUILDERS: dict[str, Callable[[Request], list[str]]] = {
    "cognito-idp": _cognito,
    "kms": _kms,
    "sns": _sns,
    "cloudwatch": _cloudwatch,
    "logs": _logs,
    "events": _events,
    "dynamodb": _dynamodb,
    "iam": _iam,
    "sts": _sts,
    "wafv2": _wafv2,
    "cloudformation": _cloudformation,
    "acm": _acm,
}
