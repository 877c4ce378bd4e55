"""
Cognito user activity for the incident-response commands: the auth events of every emulated
password sign-in (AdminListUserAuthEvents), and the user pool's log delivery configuration
(Get/SetLogDeliveryConfiguration), which also exports those events to the configured CloudWatch
log group the way Cognito's user-activity export does.

moto 5.2 has neither API. What is real and what is not:

- Events are recorded by the sign-in itself (AdminInitiateAuth and InitiateAuth with a password
  flow: ADMIN_USER_PASSWORD_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH): Pass when tokens are
  issued, InProgress when a challenge follows (new password, MFA), Fail when moto refuses it
  (wrong password, disabled user, ...). Like Cognito, only pools with threat protection
  (UserPoolAddOns.AdvancedSecurityMode AUDIT or ENFORCED) record events; AdminListUserAuthEvents
  on any other pool raises UserPoolAddOnNotEnabledException.
- The emulator has no risk engine and no geolocation. Every event is scored NoRisk / Low unless
  the request's ContextData carries emulator-only HTTP headers (ContextData.HttpHeaders is the
  real field Cognito reads device and network signals from):
    x-emulator-risk-level: Low | Medium | High
    x-emulator-compromised-credentials: true
    x-emulator-city / x-emulator-country: the location to record
  A High risk in ENFORCED mode is blocked (the sign-in fails, RiskDecision Block); High or Medium
  otherwise is recorded as RiskDecision AccountTakeover and lets the sign-in proceed (AUDIT only
  reports; ENFORCED's Medium action, MFA if configured, is not emulated).
- The IP address is ContextData.IpAddress (admin flows) or UserContextData.IpAddress.

Two moto behaviours that would hide what containment does are corrected here:
- moto keeps a session under the name used to sign in (the email alias), and its global sign-out
  compares that string with the Username given to AdminUserGlobalSignOut, so signing out by
  username left the email's refresh tokens valid. Sessions are now matched by the user they belong to.
- moto answers a password sign-in of a RESET_REQUIRED user with a NEW_PASSWORD_REQUIRED challenge;
  Cognito refuses it with PasswordResetRequiredException (API reference, InitiateAuth and
  AdminInitiateAuth, Errors), and so does this extension.

References (Amazon Cognito user pools API reference):
- AdminListUserAuthEvents: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminListUserAuthEvents.html
- AuthEventType: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AuthEventType.html
- EventRiskType: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_EventRiskType.html
- SetLogDeliveryConfiguration: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetLogDeliveryConfiguration.html
- LogConfigurationType: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_LogConfigurationType.html
- Exported log format: Cognito Developer Guide, "Exporting logs from Amazon Cognito user pools".
"""
import json
import time
import uuid
from typing import Any

from moto.cognitoidp import models as cognito_models
from moto.cognitoidp.exceptions import InvalidParameterException
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult

# (account, region, pool id) -> internal username -> events, oldest first
_EVENTS: dict[tuple[str, str, str], dict[str, list[dict[str, Any]]]] = {}
# (account, region, pool id) -> LogConfigurations as set
_LOG_DELIVERY: dict[tuple[str, str, str], list[dict[str, Any]]] = {}

PASSWORD_FLOWS = {"ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH"}
MAX_RESULTS = 60  # the API's maximum and its default (MaxResults 0 or absent)


class UserPoolAddOnNotEnabledException(JsonRESTError):
    def __init__(self) -> None:
        super().__init__(
            "UserPoolAddOnNotEnabledException",
            "Advanced security features are not enabled for this user pool.",
        )


def _backend(account: str, region: str) -> Any:
    return cognito_models.cognitoidp_backends[account][region]


def _security_mode(pool: Any) -> str:
    return (pool.extended_config.get("UserPoolAddOns") or {}).get("AdvancedSecurityMode", "OFF")


def _headers(context: dict[str, Any] | None) -> dict[str, str]:
    headers = (context or {}).get("HttpHeaders") or []
    return {str(h.get("headerName", "")).lower(): str(h.get("headerValue", "")) for h in headers}


def _risk(pool: Any, headers: dict[str, str]) -> dict[str, Any]:
    level = headers.get("x-emulator-risk-level", "Low")
    if level not in ("Low", "Medium", "High"):
        raise InvalidParameterException(f"x-emulator-risk-level must be Low, Medium or High, got {level!r}")
    compromised = headers.get("x-emulator-compromised-credentials", "").lower() == "true"
    if level == "High" and _security_mode(pool) == "ENFORCED":
        decision = "Block"
    elif level in ("High", "Medium"):
        decision = "AccountTakeover"
    else:
        decision = "NoRisk"
    return {"RiskDecision": decision, "RiskLevel": level, "CompromisedCredentialsDetected": compromised}


def _export(account: str, region: str, pool: Any, user: Any, client_id: str | None, event: dict[str, Any]) -> None:
    """Writes the event to the log group of the pool's userAuthEvents delivery, if any."""
    for config in _LOG_DELIVERY.get((account, region, pool.id), []):
        if config.get("EventSource") != "userAuthEvents":
            continue
        arn = (config.get("CloudWatchLogsConfiguration") or {}).get("LogGroupArn")
        if not arn:
            continue  # S3 and Firehose destinations are stored, not emulated
        from moto.logs.models import logs_backends

        name = arn.split(":log-group:", 1)[1].removesuffix(":*")
        logs = logs_backends[account][region]
        if name not in logs.groups:
            continue  # best-effort delivery, as on AWS
        group = logs.groups[name]
        stream = f"{pool.id}-user-activity"
        if stream not in group.streams:
            group.create_log_stream(stream)
        ctx = event.get("EventContextData", {})
        risk = event["EventRisk"]
        sub = next((a["Value"] for a in user.attributes if a["Name"] == "sub"), user.id)
        message = {
            "eventId": event["EventId"],
            "eventType": event["EventType"],
            "eventResponse": event["EventResponse"],
            "eventTimestamp": int(event["CreationDate"] * 1000),
            "userName": user.username,
            "userSub": sub,
            "userPoolId": pool.id,
            "clientId": client_id,
            "ipAddress": ctx.get("IpAddress"),
            "city": ctx.get("City"),
            "country": ctx.get("Country"),
            "riskLevel": risk["RiskLevel"],
            "riskDecision": risk["RiskDecision"],
            "compromisedCredentialDetected": risk["CompromisedCredentialsDetected"],
            "challenges": [
                {"challengeName": c["ChallengeName"], "challengeResponse": c["ChallengeResponse"]}
                for c in event["ChallengeResponses"]
            ],
        }
        record = {
            "eventTimestamp": message["eventTimestamp"],
            "eventSource": "USER_ACTIVITY",
            "logLevel": "INFO",
            "logSourceVersion": "1.0",
            "message": {k: v for k, v in message.items() if v is not None},
        }
        logs.put_log_events(name, stream, [{"timestamp": message["eventTimestamp"], "message": json.dumps(record)}])


def record_sign_in(
    account: str,
    region: str,
    pool: Any,
    username: str | None,
    client_id: str | None,
    context: dict[str, Any] | None,
    response: str,
    password_ok: bool,
    headers: dict[str, str],
) -> dict[str, Any] | None:
    """Records one sign-in event of `username` (any alias) in `pool`; None when not recorded."""
    if _security_mode(pool) == "OFF" or not username:
        return None
    user = pool._get_user(username)
    if not user:
        return None  # Cognito keeps events of existing users only
    ctx: dict[str, Any] = {}
    if context and context.get("IpAddress"):
        ctx["IpAddress"] = context["IpAddress"]
    if headers.get("x-emulator-city"):
        ctx["City"] = headers["x-emulator-city"]
    if headers.get("x-emulator-country"):
        ctx["Country"] = headers["x-emulator-country"]
    event = {
        "EventId": str(uuid.uuid4()),
        "EventType": "SignIn",
        "CreationDate": time.time(),
        "EventResponse": response,
        "EventRisk": _risk(pool, headers),
        "ChallengeResponses": [{"ChallengeName": "Password", "ChallengeResponse": "Success" if password_ok else "Failure"}],
        "EventContextData": ctx,
    }
    _EVENTS.setdefault((account, region, pool.id), {}).setdefault(user.username, []).append(event)
    _export(account, region, pool, user, client_id, event)
    return event


def _pool_of_client(account: str, region: str, client_id: str) -> Any:
    for pool in _backend(account, region).user_pools.values():
        if client_id in pool.clients:
            return pool
    return None


def _signed_in(
    self: CognitoIdpResponse,
    original: Any,
    pool: Any,
    username: str | None,
    context: dict[str, Any] | None,
) -> ActionResult:
    """Runs moto's sign-in and records its outcome (threat protection may block it first)."""
    headers = _headers(context)
    client_id = self._get_param("ClientId")
    record = lambda response, ok: record_sign_in(  # noqa: E731
        self.current_account, self.region, pool, username, client_id, context, response, ok, headers
    )
    target = pool._get_user(username) if pool is not None and username else None
    if target is not None and target.status == cognito_models.UserStatus.RESET_REQUIRED and target.enabled:
        record("Fail", target.password == (self._get_param("AuthParameters") or {}).get("PASSWORD"))
        raise JsonRESTError("PasswordResetRequiredException", "Password reset required for the user")
    if pool is not None and _security_mode(pool) == "ENFORCED" and _risk(pool, headers)["RiskDecision"] == "Block":
        user = pool._get_user(username) if username else None
        record("Fail", bool(user) and user.password == (self._get_param("AuthParameters") or {}).get("PASSWORD"))
        # What Cognito answers when adaptive authentication blocks a sign-in.
        raise cognito_models.NotAuthorizedError("Unable to login because of security reasons.")
    try:
        result = original(self)
    except JsonRESTError as error:
        if pool is not None and error.error_type in ("NotAuthorizedException", "UserNotConfirmedException", "PasswordResetRequiredException"):
            user = pool._get_user(username) if username else None
            record("Fail", bool(user) and user.password == (self._get_param("AuthParameters") or {}).get("PASSWORD"))
        raise
    if pool is not None:
        body = result.result if hasattr(result, "result") else {}
        record("Pass" if body.get("AuthenticationResult") else "InProgress", True)
    return result


def _wrap_admin_initiate_auth(original: Any) -> Any:
    def admin_initiate_auth(self: CognitoIdpResponse) -> ActionResult:
        if self._get_param("AuthFlow") not in PASSWORD_FLOWS:
            return original(self)
        pool = _backend(self.current_account, self.region).user_pools.get(self._get_param("UserPoolId"))
        username = (self._get_param("AuthParameters") or {}).get("USERNAME")
        return _signed_in(self, original, pool, username, self._get_param("ContextData"))

    return admin_initiate_auth


def _wrap_initiate_auth(original: Any) -> Any:
    def initiate_auth(self: CognitoIdpResponse) -> ActionResult:
        if self._get_param("AuthFlow") not in PASSWORD_FLOWS:
            return original(self)
        pool = _pool_of_client(self.current_account, self.region, self._get_param("ClientId"))
        username = (self._get_param("AuthParameters") or {}).get("USERNAME")
        user_context = self._get_param("UserContextData") or {}
        context = {"IpAddress": user_context.get("IpAddress"), "HttpHeaders": (self._get_param("ContextData") or {}).get("HttpHeaders")}
        return _signed_in(self, original, pool, username, context)

    return initiate_auth


def admin_list_user_auth_events(self: CognitoIdpResponse) -> ActionResult:
    pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
    if _security_mode(pool) == "OFF":
        raise UserPoolAddOnNotEnabledException()
    user = self.backend.admin_get_user(pool.id, self._get_param("Username"))  # UserNotFoundException
    events = list(reversed(_EVENTS.get((self.current_account, self.region, pool.id), {}).get(user.username, [])))
    limit = self._get_param("MaxResults") or MAX_RESULTS
    if not 0 <= limit <= MAX_RESULTS:
        raise InvalidParameterException(f"MaxResults must be between 0 and {MAX_RESULTS}")
    start = int(self._get_param("NextToken") or 0)
    page = events[start : start + limit]
    result: dict[str, Any] = {"AuthEvents": page}
    if start + limit < len(events):
        result["NextToken"] = str(start + limit)
    return ActionResult(result)


EVENT_SOURCE_LEVELS = {"userNotification": "ERROR", "userAuthEvents": "INFO"}


def set_log_delivery_configuration(account: str, region: str, pool_id: str, configurations: list[dict[str, Any]]) -> dict[str, Any]:
    """Validates and stores a pool's log delivery configuration (also used by ext_cloudformation)."""
    _backend(account, region).describe_user_pool(pool_id)  # ResourceNotFoundException
    if len(configurations) > 2:
        raise InvalidParameterException("LogConfigurations has at most 2 items")
    for c in configurations:
        source, level = c.get("EventSource"), c.get("LogLevel")
        if source not in EVENT_SOURCE_LEVELS:
            raise InvalidParameterException(f"EventSource must be userNotification or userAuthEvents, got {source!r}")
        # LogConfigurationType: userNotification logs at ERROR, userAuthEvents at INFO.
        if level != EVENT_SOURCE_LEVELS[source]:
            raise InvalidParameterException(f"LogLevel of {source} must be {EVENT_SOURCE_LEVELS[source]}, got {level!r}")
        destinations = [k for k in ("CloudWatchLogsConfiguration", "S3Configuration", "FirehoseConfiguration") if c.get(k)]
        if len(destinations) != 1:
            raise InvalidParameterException(f"{source}: exactly one destination configuration, got {destinations}")
        if source == "userNotification" and destinations[0] != "CloudWatchLogsConfiguration":
            raise InvalidParameterException("userNotification logs go to CloudWatch Logs only")
    _LOG_DELIVERY[(account, region, pool_id)] = configurations
    return {"UserPoolId": pool_id, "LogConfigurations": configurations}


def get_log_delivery_configuration_of(account: str, region: str, pool_id: str) -> dict[str, Any]:
    _backend(account, region).describe_user_pool(pool_id)
    return {"UserPoolId": pool_id, "LogConfigurations": _LOG_DELIVERY.get((account, region, pool_id), [])}


def remove_log_delivery_configuration(account: str, region: str, pool_id: str) -> None:
    _LOG_DELIVERY.pop((account, region, pool_id), None)


def _set_log_delivery_configuration(self: CognitoIdpResponse) -> ActionResult:
    config = set_log_delivery_configuration(
        self.current_account, self.region, self._get_param("UserPoolId"), self._get_param("LogConfigurations") or []
    )
    return ActionResult({"LogDeliveryConfiguration": config})


def _get_log_delivery_configuration(self: CognitoIdpResponse) -> ActionResult:
    config = get_log_delivery_configuration_of(self.current_account, self.region, self._get_param("UserPoolId"))
    return ActionResult({"LogDeliveryConfiguration": config})


def _sign_out(self: Any, username: str) -> None:
    """Revokes every session of the user `username` names, whichever alias it was opened with."""
    user = self._get_user(username)
    same = lambda name: name == username or (user is not None and self._get_user(name) is user)  # noqa: E731
    for token, session in list(self.refresh_tokens.items()):
        if session is not None and same(session[1]):
            self.refresh_tokens[token] = None
    for token, (_client, name) in list(self.access_tokens.items()):
        if same(name):
            self.access_tokens.pop(token)


def install() -> None:
    cognito_models.CognitoIdpUserPool.sign_out = _sign_out
    CognitoIdpResponse.admin_initiate_auth = _wrap_admin_initiate_auth(CognitoIdpResponse.admin_initiate_auth)
    CognitoIdpResponse.initiate_auth = _wrap_initiate_auth(CognitoIdpResponse.initiate_auth)
    CognitoIdpResponse.admin_list_user_auth_events = admin_list_user_auth_events
    CognitoIdpResponse.set_log_delivery_configuration = _set_log_delivery_configuration
    CognitoIdpResponse.get_log_delivery_configuration = _get_log_delivery_configuration
