"""
AWS WAF (wafv2) for a Cognito user pool, where moto 5.2.1 differs from AWS.

moto creates, reads and tags a regional web ACL and associates it with a user pool's ARN the way
aws provider 5.100.0 calls it (CreateWebACL, GetWebACL, ListTagsForResource, AssociateWebACL,
GetWebACLForResource all answer; checked with Terraform and with @aws-sdk/client-wafv2). What it
gets wrong for a user pool:

- AssociateWebACL accepts any ARN. AWS answers WAFNonexistentItemException when the resource does
  not exist (AWS WAF API reference, AssociateWebACL, "Errors"). Here: a Cognito user pool ARN must
  name a pool of moto's cognito-idp backend in that account and Region.
- A second AssociateWebACL for the same pool left the pool in both web ACLs, and
  GetWebACLForResource kept naming the first. A user pool has one web ACL (Cognito Developer Guide,
  "Associate an AWS WAF web ACL with a user pool": "You can associate one web ACL with each user
  pool"): here the latest association takes the pool's place.
- GetWebACLForResource for a pool that does not exist answered with a web ACL (or WebACL: null).
  AWS answers WAFNonexistentItemException for a missing resource, and leaves WebACL out for a
  resource without one (API reference, GetWebACLForResource: WebACL is optional).

- PutLoggingConfiguration accepted any destination and any web ACL ARN. AWS refuses a destination
  whose name does not start with aws-waf-logs- (API reference, LoggingConfiguration,
  LogDestinationConfigs; Developer Guide, "Sending web ACL traffic logs to an Amazon CloudWatch Logs
  log group") with WAFInvalidParameterException, and a web ACL that does not exist with
  WAFNonexistentItemException. Here: both, for CloudWatch Logs destinations.

Not emulated (no request-time evaluation in moto): whether AWS accepts the web ACL's contents for a
user pool (e.g. the ATP rule group), rule evaluation, and the AWS/WAFV2 metrics.
"""
import json
import re

from moto.cognitoidp.models import cognitoidp_backends
from moto.wafv2.exceptions import WAFNonexistentItemException, WAFv2ClientError
from moto.wafv2.responses import WAFV2Response

_put_logging_configuration = WAFV2Response.put_logging_configuration

# arn:partition:cognito-idp:region:account-id:userpool/user-pool-id (AssociateWebACL, ResourceArn)
USER_POOL_ARN = re.compile(r"^arn:aws[\w-]*:cognito-idp:(?P<region>[\w-]+):(?P<account>\d{12}):userpool/(?P<pool>[\w-]+_[0-9a-zA-Z]+)$")


def _require_user_pool(resource_arn: str) -> None:
    """Raise WAFNonexistentItemException when the ARN names a user pool that does not exist."""
    match = USER_POOL_ARN.match(resource_arn)
    if not match:
        return
    backend = cognitoidp_backends[match["account"]][match["region"]]
    if match["pool"] not in backend.user_pools:
        raise WAFNonexistentItemException()


def associate_web_acl(self: WAFV2Response):
    body = json.loads(self.body)
    resource_arn = body["ResourceArn"]
    _require_user_pool(resource_arn)
    if USER_POOL_ARN.match(resource_arn):
        # One web ACL per user pool: drop the pool from any other web ACL first.
        self.wafv2_backend.disassociate_web_acl(resource_arn)
    self.wafv2_backend.associate_web_acl(body["WebACLArn"], resource_arn)
    return 200, {"Content-Type": "application/json"}, "{}"


def get_web_acl_for_resource(self: WAFV2Response):
    resource_arn = json.loads(self.body)["ResourceArn"]
    _require_user_pool(resource_arn)
    web_acl = self.wafv2_backend.get_web_acl_for_resource(resource_arn)
    response = {"WebACL": web_acl.to_dict()} if web_acl else {}
    return 200, {"Content-Type": "application/json"}, json.dumps(response)


# arn:partition:logs:region:account-id:log-group:name (a CloudWatch Logs destination, without ":*")
LOG_GROUP_ARN = re.compile(r"^arn:aws[\w-]*:logs:[\w-]+:\d{12}:log-group:(?P<name>[^:]+)$")


class WAFInvalidParameterException(WAFv2ClientError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__("WAFInvalidParameterException", f"Error reason: {reason}, field: {field}")


def put_logging_configuration(self: WAFV2Response):
    config = json.loads(self.body)["LoggingConfiguration"]
    self.wafv2_backend.get_web_acl(config["ResourceArn"], None, None)  # WAFNonexistentItemException
    for destination in config["LogDestinationConfigs"]:
        match = LOG_GROUP_ARN.match(destination)
        if match and not match["name"].startswith("aws-waf-logs-"):
            raise WAFInvalidParameterException("LOG_DESTINATION", f"the log group name must start with aws-waf-logs-, got {match['name']}")
    return _put_logging_configuration(self)


def install() -> None:
    WAFV2Response.put_logging_configuration = put_logging_configuration
    WAFV2Response.associate_web_acl = associate_web_acl
    WAFV2Response.get_web_acl_for_resource = get_web_acl_for_resource
