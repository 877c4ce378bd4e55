"""
S3 requests authorized the way AWS authorizes them, by the emulator's one IAM evaluator (ext_authz.py: the
caller's identity policies, the bucket policy with its conditions, the request context), instead of moto 5.2's
own bucket-policy check (any statement with a Condition it could not check was a deny; no request context
reached it, so `aws:SecureTransport` could never be true and a TLS-only policy locked every request out).

What this file adds to ext_authz.py is what only S3 knows:
- Actions per request: DELETE of a version is s3:DeleteObjectVersion, GET/HEAD of a version
  s3:GetObjectVersion, HEAD needs s3:GetObject (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html),
  DeleteObjects is authorized per object as DeleteObject or DeleteObjectVersion, a refused object reported as
  AccessDenied in the response's Error list (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html).
- The request context: aws:SecureTransport is the scheme of the listener that received the request (the
  emulator serves HTTPS on its main port and plain HTTP on a second one, launcher.py --plain-http-port), and
  s3:x-amz-server-side-encryption(-aws-kms-key-id) carry the request headers of the same names
  (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
- The root user of the bucket owner's account may always read, change and delete the bucket policy, so a
  policy cannot lock its owner out of fixing it (https://repost.aws/knowledge-center/s3-accidentally-denied-access);
  other requests of the root user are subject to the bucket policy's explicit denies.
- PutBucketLogging's check of the target bucket: may the logging service principal write there for this
  source bucket and account (the same evaluator, principal logging.s3.amazonaws.com).
"""
import json
import threading
from typing import Any
from urllib.parse import parse_qs, urlparse

import xmltodict
from moto.iam.access_control import PermissionResult
from moto.s3 import models
from moto.s3.exceptions import S3AccessDeniedError
from moto.s3.responses import S3Response

import ext_authz

_request = threading.local()

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
    return _policy_of(bucket)


def _policy_of(bucket: models.FakeBucket) -> dict[str, Any] | None:
    if bucket.policy is None:
        return None
    return json.loads(bucket.policy.decode() if isinstance(bucket.policy, bytes) else bucket.policy)


def _check(self: S3Response, request: Any, full_url: str, key_name: str | None) -> None:
    bucket_name = self.parse_bucket_name_from_url(request, full_url)
    _request.delete_objects = None
    if not bucket_name:
        return
    query = parse_qs(urlparse(full_url).query, keep_blank_values=True)
    caller = ext_authz.s3_caller(request, self.region, self.current_account)
    policy = _bucket_policy(bucket_name, self.backend)
    if key_name is None and request.method.upper() == "POST" and "delete" in query:
        # DeleteObjects: moto asks get_permission per object (as DeleteObject); the versions named decide the action.
        try:
            objects = _as_list(xmltodict.parse(self.body or b"")["Delete"].get("Object", []))
        except Exception:
            objects = []
        versions = {o["Key"]: o.get("VersionId") for o in objects}
        _request.delete_objects = (request, caller, policy, versions) if caller is not None else None
        return
    action = object_action(request.method, query) if key_name is not None else bucket_action(request.method, query)
    if action is None or caller is None:
        return
    if action.endswith("BucketPolicy") and caller.principal == f"arn:aws:iam::{self.current_account}:root":
        return
    resource = f"arn:aws:s3:::{bucket_name}/{key_name}" if key_name is not None else f"arn:aws:s3:::{bucket_name}"
    try:
        bucket = self.backend.get_bucket(bucket_name)
    except Exception:
        bucket = None
    if ext_authz.evaluate_s3(request, caller, action, resource, bucket, key_name, policy):
        raise S3AccessDeniedError()


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


_original_key_response = S3Response._key_response
_original_bucket_response = S3Response._bucket_response


def _key_response(self: S3Response, request: Any, full_url: str) -> Any:
    _check(self, request, full_url, self.parse_key_name())
    return _original_key_response(self, request, full_url)


def _bucket_response(self: S3Response, request: Any, full_url: str) -> Any:
    _check(self, request, full_url, None)
    try:
        return _original_bucket_response(self, request, full_url)
    finally:
        _request.delete_objects = None


def _get_permission(self: models.FakeBucket, action: str, resource: str) -> PermissionResult:
    """
    moto's own per-object question. _check has already decided every request but DeleteObjects, whose
    objects are decided here, each with its real action (s3:DeleteObjectVersion for a version).
    """
    pending = getattr(_request, "delete_objects", None)
    if pending is None or action != "s3:DeleteObject":
        return PermissionResult.NEUTRAL
    request, caller, policy, versions = pending
    key = resource.split("/", 1)[1] if "/" in resource else ""
    action = "s3:DeleteObjectVersion" if versions.get(key) else action
    refused = ext_authz.evaluate_s3_action(request, caller, action, resource, policy, f"DeleteObjects {resource}")
    return PermissionResult.DENIED if refused else PermissionResult.NEUTRAL


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
    policy = _policy_of(target_bucket)
    if policy is None or source is None:
        return False
    answer = ext_authz.evaluate_service_principal(
        "logging.s3.amazonaws.com",
        "s3:PutObject",
        f"arn:aws:s3:::{target_bucket.name}/{target_prefix or ''}log-object",
        target_bucket.account_id,
        policy,
        {"aws:SourceArn": f"arn:aws:s3:::{source.name}", "aws:SourceAccount": source.account_id},
    )
    return answer["decision"] == "Allowed"


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
