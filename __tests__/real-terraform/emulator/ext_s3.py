"""
S3 bucket policies evaluated with their conditions, as AWS does, instead of moto 5.2's rule that any
statement with a Condition it cannot check is a deny (no request context reaches moto's evaluator, so
`aws:SecureTransport` could never be true and a TLS-only policy locked every request out).

What AWS does (and this evaluator does):
- An explicit Deny in the bucket policy wins over everything; otherwise the requester's own account
  decides (moto checks no identity policies here, so same-account requests are then allowed).
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
- A statement applies when Principal, Action/NotAction, Resource/NotResource and every condition match.
- Condition operators and their missing-key rules:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
  ("If the key that you specify in a policy condition is not present in the request context, the values do
  not match and the condition is false. If the policy condition requires that the key is not matched, such as
  StringNotLike or ArnNotLike, and the right key is not present, the condition is true"; ...IfExists: a
  missing key makes the condition true; Null: "true" means the key is absent).
- The request context keys used here: aws:SecureTransport (was the request sent over TLS), aws:PrincipalArn
  (for an assumed-role session: the ARN of the role, not of the session), aws:PrincipalAccount
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html), and the S3 keys
  s3:x-amz-server-side-encryption and s3:x-amz-server-side-encryption-aws-kms-key-id, which carry the request
  headers of the same names (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
- Actions per request: DELETE of a version is s3:DeleteObjectVersion, GET/HEAD of a version
  s3:GetObjectVersion, HEAD needs s3:GetObject (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html),
  DeleteObjects is authorized per object as DeleteObject or DeleteObjectVersion
  (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html).
- The root user of the bucket owner's account may always read, change and delete the bucket policy, so a
  policy cannot lock its owner out of fixing it (https://repost.aws/knowledge-center/s3-accidentally-denied-access);
  every other principal, the owner account's roles included, is subject to it.

Whether a request came over TLS is the scheme of the listener that received it: the emulator serves HTTPS
on its main port and plain HTTP on a second port (launcher.py --plain-http-port), both the same backends.
"""
import fnmatch
import re
import threading
from typing import Any
from urllib.parse import parse_qs, urlparse

import xmltodict
from moto.iam.access_control import PermissionResult
from moto.s3 import models
from moto.s3.exceptions import S3AccessDeniedError
from moto.s3.responses import S3Response
from moto.sts.models import sts_backends

import ext_authz

_request = threading.local()

ACCESS_KEY = re.compile(r"Credential=([^/,\s]+)/")

# --- the request context ----------------------------------------------------------------------------------


def _principal(headers: Any) -> tuple[str, str]:
    """(aws:PrincipalArn, aws:PrincipalAccount) of the request's credentials."""
    match = ACCESS_KEY.search(headers.get("Authorization", "") or "")
    key = match.group(1) if match else ""
    for account_id, by_partition in list(sts_backends.items()):
        role = by_partition["aws"].get_assumed_role_from_access_key(key)
        if role is not None:
            return role.role_arn, account_id
    # Credentials moto did not issue: moto serves them as its default account's root.
    from moto.core import DEFAULT_ACCOUNT_ID

    return f"arn:aws:iam::{DEFAULT_ACCOUNT_ID}:root", DEFAULT_ACCOUNT_ID


def _context(request: Any) -> dict[str, str]:
    headers = request.headers
    arn, account = _principal(headers)
    ctx = {
        "aws:securetransport": "true" if request.scheme == "https" else "false",
        "aws:principalarn": arn,
        "aws:principalaccount": account,
    }
    for header in ("x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id"):
        value = headers.get(header)
        if value is not None:
            ctx[f"s3:{header}"] = value
    return ctx


# --- condition operators -----------------------------------------------------------------------------------


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def _like(pattern: str, value: str, case: bool = True) -> bool:
    # IAM wildcards: * any run of characters, ? one character (no character classes).
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, 0 if case else re.IGNORECASE) is not None


def _arn_like(pattern: str, value: str) -> bool:
    # ARNs compare per colon-separated part, each part with wildcards.
    p, v = pattern.split(":", 5), value.split(":", 5)
    return len(p) == len(v) and all(_like(a, b) for a, b in zip(p, v))


POSITIVE = {
    "StringEquals": lambda want, got: want == got,
    "StringEqualsIgnoreCase": lambda want, got: want.lower() == got.lower(),
    "StringLike": lambda want, got: _like(want, got),
    "Bool": lambda want, got: str(want).lower() == str(got).lower(),
    "ArnEquals": _arn_like,
    "ArnLike": _arn_like,
}
NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}


class UnsupportedCondition(Exception):
    pass


def _condition_holds(operator: str, key: str, wanted: Any, ctx: dict[str, str]) -> bool:
    if_exists = operator.endswith("IfExists")
    op = operator[: -len("IfExists")] if if_exists else operator
    for prefix in ("ForAnyValue:", "ForAllValues:"):
        if op.startswith(prefix):
            op = op[len(prefix) :]  # single-valued keys only here: both reduce to the plain operator
    present = key.lower() in ctx
    value = ctx.get(key.lower())
    wanted_values = [str(w) for w in _as_list(wanted)]
    if op == "Null":
        return all((w.lower() == "true") == (not present) for w in wanted_values)
    if op in POSITIVE:
        if not present:
            return if_exists
        return any(POSITIVE[op](w, value) for w in wanted_values)
    if op in NEGATED:
        if not present:
            return True
        return not any(POSITIVE[NEGATED[op]](w, value) for w in wanted_values)
    raise UnsupportedCondition(operator)


def _conditions_hold(conditions: dict[str, dict[str, Any]] | None, ctx: dict[str, str]) -> bool:
    return all(_condition_holds(op, key, wanted, ctx) for op, by_key in (conditions or {}).items() for key, wanted in by_key.items())


# --- statements ----------------------------------------------------------------------------------------------


def _principal_matches(principal: Any, ctx: dict[str, str]) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    service = ctx.get("service-principal")
    if service is not None:  # a request an AWS service makes (log delivery), not one with credentials
        return service in _as_list(principal.get("Service", [])) or "*" in _as_list(principal.get("AWS", []))
    arn, account = ctx["aws:principalarn"], ctx["aws:principalaccount"]
    for p in _as_list(principal.get("AWS", [])):
        if p in ("*", arn, account, f"arn:aws:iam::{account}:root"):
            return True
    return False  # Service, Federated, CanonicalUser: never the caller of these suites


def _action_matches(patterns: Any, action: str) -> bool:
    return any(_like(p, action, case=False) for p in _as_list(patterns))


def _resource_matches(patterns: Any, resource: str) -> bool:
    return any(_like(p, resource) for p in _as_list(patterns))


def _applies(statement: dict[str, Any], action: str, resource: str, ctx: dict[str, str]) -> bool:
    if "Principal" in statement and not _principal_matches(statement["Principal"], ctx):
        return False
    if "NotPrincipal" in statement and _principal_matches(statement["NotPrincipal"], ctx):
        return False
    if "Action" in statement and not _action_matches(statement["Action"], action):
        return False
    if "NotAction" in statement and _action_matches(statement["NotAction"], action):
        return False
    if "Resource" in statement and not _resource_matches(statement["Resource"], resource):
        return False
    if "NotResource" in statement and _resource_matches(statement["NotResource"], resource):
        return False
    return _conditions_hold(statement.get("Condition"), ctx)


def evaluate(policy: dict[str, Any], action: str, resource: str, ctx: dict[str, str]) -> PermissionResult:
    """DENIED when a Deny statement applies, PERMITTED when only Allow statements do, else NEUTRAL."""
    result = PermissionResult.NEUTRAL
    for statement in _as_list(policy.get("Statement", [])):
        if not _applies(statement, action, resource, ctx):
            continue
        if statement.get("Effect") == "Deny":
            return PermissionResult.DENIED
        result = PermissionResult.PERMITTED
    return result


# --- which action a request is ---------------------------------------------------------------------------------

OBJECT_SUBRESOURCES = {
    ("GET", "acl"): "s3:GetObjectAcl",
    ("GET", "tagging"): "s3:GetObjectTagging",
    ("PUT", "acl"): "s3:PutObjectAcl",
    ("PUT", "tagging"): "s3:PutObjectTagging",
    ("DELETE", "tagging"): "s3:DeleteObjectTagging",
    ("DELETE", "uploadId"): "s3:AbortMultipartUpload",
}


def object_action(method: str, query: dict[str, Any]) -> str:
    method = method.upper()
    for (m, sub), action in OBJECT_SUBRESOURCES.items():
        if m == method and sub in query:
            return action
    versioned = "versionId" in query
    if method in ("GET", "HEAD"):
        return "s3:GetObjectVersion" if versioned else "s3:GetObject"
    if method == "DELETE":
        return "s3:DeleteObjectVersion" if versioned else "s3:DeleteObject"
    return "s3:PutObject"  # PUT, copy, POST (multipart create/complete)


BUCKET_SUBRESOURCES = {
    "versions": "ListBucketVersions",
    "uploads": "ListBucketMultipartUploads",
    "location": "GetBucketLocation",
    "versioning": "BucketVersioning",
    "encryption": "EncryptionConfiguration",
    "lifecycle": "LifecycleConfiguration",
    "publicAccessBlock": "BucketPublicAccessBlock",
    "ownershipControls": "BucketOwnershipControls",
    "tagging": "BucketTagging",
    "acl": "BucketAcl",
    "logging": "BucketLogging",
    "object-lock": "BucketObjectLockConfiguration",
    "replication": "ReplicationConfiguration",
    "notification": "BucketNotification",
    "cors": "BucketCORS",
    "website": "BucketWebsite",
}
VERB = {"GET": "Get", "PUT": "Put", "DELETE": "Delete"}


def bucket_action(method: str, query: dict[str, Any]) -> str | None:
    """The action of a bucket-level request; None for DeleteObjects (authorized per object)."""
    method = method.upper()
    if method == "POST" and "delete" in query:
        return None
    if "policy" in query:
        return f"s3:{VERB.get(method, 'Put')}BucketPolicy"
    if "lifecycle" in query and method == "DELETE":
        # DeleteBucketLifecycle: "you must have the s3:PutLifecycleConfiguration action" (S3 API reference).
        return "s3:PutLifecycleConfiguration"
    for sub, name in BUCKET_SUBRESOURCES.items():
        if sub in query:
            if name.startswith(("List", "GetBucketLocation")):
                return f"s3:{name}"
            return f"s3:{VERB.get(method, 'Put')}{name}"
    if method in ("GET", "HEAD"):
        return "s3:ListBucket"
    if method == "PUT":
        return "s3:CreateBucket"
    if method == "DELETE":
        return "s3:DeleteBucket"
    return None


# --- wiring into moto -------------------------------------------------------------------------------------------


def _bucket_policy(bucket_name: str, account_backend: Any) -> dict[str, Any] | None:
    try:
        bucket = account_backend.get_bucket(bucket_name)
    except Exception:  # no such bucket: moto answers that itself
        return None
    if bucket.policy is None:
        return None
    import json

    return json.loads(bucket.policy.decode() if isinstance(bucket.policy, bytes) else bucket.policy)


def _check(self: S3Response, request: Any, full_url: str, key_name: str | None) -> None:
    bucket_name = self.parse_bucket_name_from_url(request, full_url)
    if not bucket_name:
        return
    query = parse_qs(urlparse(full_url).query, keep_blank_values=True)
    ctx = _context(request)
    _request.ctx = ctx
    _request.versions = {}
    _request.key_action = None
    if key_name is None and request.method.upper() == "POST" and "delete" in query:
        # DeleteObjects: remember which keys name a version (moto asks per object as DeleteObject).
        try:
            body = xmltodict.parse(self.body or b"")
            objects = _as_list(body["Delete"].get("Object", []))
            _request.versions = {o["Key"]: o.get("VersionId") for o in objects}
        except Exception:
            pass
    action = object_action(request.method, query) if key_name is not None else bucket_action(request.method, query)
    if action is None:
        return
    if action.endswith("BucketPolicy") and ctx["aws:principalarn"] == f"arn:aws:iam::{self.current_account}:root":
        return
    policy = _bucket_policy(bucket_name, self.backend)
    resource = f"arn:aws:s3:::{bucket_name}/{key_name}" if key_name is not None else f"arn:aws:s3:::{bucket_name}"
    _request.key_action = (resource, action) if key_name is not None else None
    try:
        bucket = self.backend.get_bucket(bucket_name)
    except Exception:
        bucket = None
    if ext_authz.evaluate_s3(request, self.region, action, resource, bucket, key_name, policy):
        raise S3AccessDeniedError()
    if policy is None:
        return
    if evaluate(policy, action, resource, ctx) == PermissionResult.DENIED:
        raise S3AccessDeniedError()


_original_key_response = S3Response._key_response
_original_bucket_response = S3Response._bucket_response


def _key_response(self: S3Response, request: Any, full_url: str) -> Any:
    _check(self, request, full_url, self.parse_key_name())
    try:
        return _original_key_response(self, request, full_url)
    finally:
        _request.ctx = None


def _bucket_response(self: S3Response, request: Any, full_url: str) -> Any:
    _check(self, request, full_url, None)
    try:
        return _original_bucket_response(self, request, full_url)
    finally:
        _request.ctx = None


def _get_permission(self: models.FakeBucket, action: str, resource: str) -> PermissionResult:
    """moto's own calls (object requests, DeleteObjects per object), with this request's context."""
    if self.policy is None:
        return PermissionResult.NEUTRAL
    ctx = getattr(_request, "ctx", None)
    if ctx is None:
        return PermissionResult.NEUTRAL  # not from an HTTP request (moto internals)
    import json

    key = resource.split("/", 1)[1] if "/" in resource else None
    key_action = getattr(_request, "key_action", None)
    if key_action is not None and key_action[0] == resource:
        action = key_action[1]  # the action this request really is (moto says DeleteObject for a version too)
    elif action == "s3:DeleteObject" and key is not None and (getattr(_request, "versions", {}) or {}).get(key):
        action = "s3:DeleteObjectVersion"
    elif action == "s3:HeadObject":
        action = "s3:GetObject"
    policy = json.loads(self.policy.decode() if isinstance(self.policy, bytes) else self.policy)
    return evaluate(policy, action, resource, ctx)


# --- server access logging: may the logging service write into the target bucket? ----------------------


def _log_permissions_enabled_policy(target_bucket: models.FakeBucket, target_prefix: str | None) -> bool:
    """
    What PutBucketLogging checks of a target bucket without ACLs (BucketOwnerEnforced): that its policy lets
    the logging service principal put the log objects, with the source bucket and account as the log
    delivery's request context (aws:SourceArn, aws:SourceAccount), as
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html grants it.
    moto 5.2 compared the statement's fields as literal strings and ignored its Condition.
    """
    source = getattr(_request, "logging_source", None)
    if target_bucket.policy is None or source is None:
        return False
    import json

    policy = json.loads(target_bucket.policy.decode() if isinstance(target_bucket.policy, bytes) else target_bucket.policy)
    ctx = {
        "service-principal": "logging.s3.amazonaws.com",
        "aws:principalarn": "",
        "aws:principalaccount": "",
        "aws:securetransport": "true",
        "aws:sourcearn": f"arn:aws:s3:::{source.name}",
        "aws:sourceaccount": source.account_id,
    }
    resource = f"arn:aws:s3:::{target_bucket.name}/{target_prefix or ''}log-object"
    return evaluate(policy, "s3:PutObject", resource, ctx) == PermissionResult.PERMITTED


_original_set_logging = models.FakeBucket.set_logging


def _set_logging(self: models.FakeBucket, logging_config: dict[str, Any] | None, bucket_backend: Any) -> None:
    _request.logging_source = self
    try:
        _original_set_logging(self, logging_config, bucket_backend)
    finally:
        _request.logging_source = None


def install() -> None:
    models.FakeBucket._log_permissions_enabled_policy = staticmethod(_log_permissions_enabled_policy)
    models.FakeBucket.set_logging = _set_logging
    S3Response._key_response = _key_response
    S3Response._bucket_response = _bucket_response
    models.FakeBucket.get_permission = _get_permission
