"""
Cognito user pools as the API reference describes them, where moto 5.2 differs in what this project
deploys: threat protection (risk configuration), passkeys, the feature plan, the sign-in policy,
tags, and the managed-login version of a domain.

API reference pages (Amazon Cognito user pools API reference, docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/):
- API_SetRiskConfiguration.html, API_DescribeRiskConfiguration.html, API_RiskConfigurationType.html
- API_CreateUserPool.html, API_UpdateUserPool.html, API_DescribeUserPool.html, API_UserPoolType.html
  (UserPoolTier: "defaults to ESSENTIALS" for new pools; Policies.SignInPolicy.AllowedFirstAuthFactors)
- API_SetUserPoolMfaConfig.html, API_GetUserPoolMfaConfig.html (WebAuthnConfiguration: RelyingPartyId, UserVerification;
  EmailMfaConfiguration: Message, Subject, API_EmailMfaConfigType.html)
- API_TagResource.html, API_UntagResource.html, API_ListTagsForResource.html
- API_CreateUserPoolDomain.html, API_UpdateUserPoolDomain.html, API_DescribeUserPoolDomain.html,
  API_DomainDescriptionType.html (ManagedLoginVersion: 1 = classic hosted UI, 2 = managed login)
"""
import time
from typing import Any

from moto.cognitoidp import models
from moto.cognitoidp.exceptions import InvalidParameterException, ResourceNotFoundError
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult, EmptyResult

# CreateUserPool: "UserPoolTier ... Defaults to ESSENTIALS" (API_CreateUserPool.html). The aws
# provider leaves the tier out of the request when it is ESSENTIALS and expects AWS to report it.
DEFAULT_TIER = "ESSENTIALS"
# Settings UpdateUserPool has no parameter for: they are fixed at creation and must survive an update
# (moto replaces the whole stored request with the update's, so a pool lost its sign-in attributes).
KEPT_ON_UPDATE = ("UsernameAttributes", "AliasAttributes", "UsernameConfiguration")
# Settings UpdateUserPool accepts but that an update without them leaves as they were.
KEPT_WHEN_ABSENT = ("UserPoolTier", "UserPoolTags")
# CreateUserPoolDomain without ManagedLoginVersion creates a classic hosted-UI domain (version 1).
DEFAULT_MANAGED_LOGIN_VERSION = 1


def _pool(backend: models.CognitoIdpBackend, pool_id: str) -> models.CognitoIdpUserPool:
    return backend.describe_user_pool(pool_id)  # ResourceNotFoundException when missing, as AWS


# --- user pools: tier, sign-in policy, kept settings -------------------------------------------------

_original_pool_init = models.CognitoIdpUserPool.__init__


def _pool_init(self: models.CognitoIdpUserPool, account_id: str, region: str, name: str, extended_config: dict[str, Any]) -> None:
    extended_config = dict(extended_config or {})
    extended_config.pop("PoolName", None)
    extended_config.setdefault("UserPoolTier", DEFAULT_TIER)
    _original_pool_init(self, account_id, region, name, extended_config)
    self.risk_configurations = {}  # None (pool level) or client id -> RiskConfigurationType
    self.web_authn_configuration = None
    self.email_mfa_configuration = None


def _update_user_pool(self: models.CognitoIdpBackend, user_pool_id: str, extended_config: dict[str, Any]) -> None:
    pool = _pool(self, user_pool_id)
    update = {k: v for k, v in extended_config.items() if k != "UserPoolId"}
    for key in KEPT_ON_UPDATE:
        update.pop(key, None)
        if key in pool.extended_config:
            update[key] = pool.extended_config[key]
    for key in KEPT_WHEN_ABSENT:
        if key not in update and key in pool.extended_config:
            update[key] = pool.extended_config[key]
    pool.update_extended_config(update)
    if "MfaConfiguration" in update:
        pool.mfa_config = update["MfaConfiguration"]
    pool.last_modified_date = models.utcnow()


# --- passkeys (WebAuthnConfiguration travels with the MFA configuration) -----------------------------

_original_set_mfa = CognitoIdpResponse.set_user_pool_mfa_config


def _check_email_mfa_prerequisites(pool: models.CognitoIdpUserPool) -> None:
    """What AWS requires before it sends MFA codes by email (messages paraphrased, not AWS's wording):
    the SES (DEVELOPER) email configuration (Cognito Developer Guide, "Email MFA") and a recovery
    setting that is not email only (hashicorp/terraform-provider-aws issue 41049)."""
    sending = (pool.extended_config.get("EmailConfiguration") or {}).get("EmailSendingAccount", "COGNITO_DEFAULT")
    if sending != "DEVELOPER":
        raise InvalidParameterException("Email MFA requires an Amazon SES email configuration (EmailSendingAccount DEVELOPER).")
    mechanisms = ((pool.extended_config.get("AccountRecoverySetting") or {}).get("RecoveryMechanisms")) or []
    if [m.get("Name") for m in mechanisms] == ["verified_email"]:
        raise InvalidParameterException("Email MFA cannot be used while verified_email is the only account recovery mechanism.")


def set_user_pool_mfa_config(self: CognitoIdpResponse) -> ActionResult:
    web_authn = self._get_param("WebAuthnConfiguration")
    email_mfa = self._get_param("EmailMfaConfiguration")
    pool = _pool(self.backend, self._get_param("UserPoolId"))
    if email_mfa is not None:
        _check_email_mfa_prerequisites(pool)
    _original_set_mfa(self)
    if web_authn is not None:
        # UserVerification defaults to "preferred" (API_WebAuthnConfigurationType.html).
        pool.web_authn_configuration = {"UserVerification": "preferred", **web_authn}
    if email_mfa is not None:
        pool.email_mfa_configuration = dict(email_mfa)
    return ActionResult(_mfa_config(pool))


def get_user_pool_mfa_config(self: CognitoIdpResponse) -> ActionResult:
    return ActionResult(_mfa_config(_pool(self.backend, self._get_param("UserPoolId"))))


def _mfa_config(pool: models.CognitoIdpUserPool) -> dict[str, Any]:
    out: dict[str, Any] = {"MfaConfiguration": pool.mfa_config}
    if pool.sms_mfa_config is not None:
        out["SmsMfaConfiguration"] = pool.sms_mfa_config
    if pool.token_mfa_config is not None:
        out["SoftwareTokenMfaConfiguration"] = pool.token_mfa_config
    if pool.web_authn_configuration is not None:
        out["WebAuthnConfiguration"] = pool.web_authn_configuration
    if pool.email_mfa_configuration is not None:
        out["EmailMfaConfiguration"] = pool.email_mfa_configuration
    return out


# --- threat protection: risk configuration per pool and per app client -------------------------------

RISK_SETTINGS = ("CompromisedCredentialsRiskConfiguration", "AccountTakeoverRiskConfiguration", "RiskExceptionConfiguration")


def set_risk_configuration(self: CognitoIdpResponse) -> ActionResult:
    pool = _pool(self.backend, self._get_param("UserPoolId"))
    client_id = self._get_param("ClientId")
    if client_id is not None and client_id not in pool.clients:
        raise ResourceNotFoundError(f"Client {client_id} does not exist.")
    settings = {k: self._get_param(k) for k in RISK_SETTINGS if self._get_param(k) is not None}
    takeover = settings.get("AccountTakeoverRiskConfiguration")
    if takeover is not None and "Actions" not in takeover:
        raise InvalidParameterException("1 validation error detected: Value null at 'accountTakeoverRiskConfiguration.actions' failed to satisfy constraint: Member must not be null")
    compromised = settings.get("CompromisedCredentialsRiskConfiguration")
    if compromised is not None and "Actions" not in compromised:
        raise InvalidParameterException("1 validation error detected: Value null at 'compromisedCredentialsRiskConfiguration.actions' failed to satisfy constraint: Member must not be null")
    config: dict[str, Any] = {"UserPoolId": pool.id, **settings, "LastModifiedDate": time.time()}
    if client_id is not None:
        config["ClientId"] = client_id
    # A request with none of the three settings clears the configuration (what `terraform destroy` sends).
    if settings:
        pool.risk_configurations[client_id] = config
    else:
        pool.risk_configurations.pop(client_id, None)
    return ActionResult({"RiskConfiguration": config})


def describe_risk_configuration(self: CognitoIdpResponse) -> ActionResult:
    pool = _pool(self.backend, self._get_param("UserPoolId"))
    client_id = self._get_param("ClientId")
    if client_id is not None and client_id not in pool.clients:
        raise ResourceNotFoundError(f"Client {client_id} does not exist.")
    config = pool.risk_configurations.get(client_id)
    if config is None:
        # Nothing set at this level: only the ids (and the client's id when one was asked for).
        config = {"UserPoolId": pool.id, **({"ClientId": client_id} if client_id is not None else {})}
    return ActionResult({"RiskConfiguration": config})


# --- tags on user pools --------------------------------------------------------------------------------


def _pool_by_arn(self: CognitoIdpResponse, arn: str) -> models.CognitoIdpUserPool:
    # arn:aws:cognito-idp:<region>:<account>:userpool/<id>
    parts = arn.split(":", 5)
    if len(parts) != 6 or not parts[5].startswith("userpool/"):
        raise InvalidParameterException(f"Invalid ResourceArn: {arn}")
    backend = models.cognitoidp_backends[parts[4]][parts[3]]
    return _pool(backend, parts[5].split("/", 1)[1])


def tag_resource(self: CognitoIdpResponse) -> EmptyResult:
    pool = _pool_by_arn(self, self._get_param("ResourceArn"))
    tags = dict(pool.extended_config.get("UserPoolTags") or {})
    tags.update(self._get_param("Tags") or {})
    pool.extended_config["UserPoolTags"] = tags
    return EmptyResult()


def untag_resource(self: CognitoIdpResponse) -> EmptyResult:
    pool = _pool_by_arn(self, self._get_param("ResourceArn"))
    tags = dict(pool.extended_config.get("UserPoolTags") or {})
    for key in self._get_param("TagKeys") or []:
        tags.pop(key, None)
    pool.extended_config["UserPoolTags"] = tags
    return EmptyResult()


def list_tags_for_resource(self: CognitoIdpResponse) -> ActionResult:
    pool = _pool_by_arn(self, self._get_param("ResourceArn"))
    return ActionResult({"Tags": dict(pool.extended_config.get("UserPoolTags") or {})})


# --- managed login version on domains ----------------------------------------------------------------

_original_domain_init = models.CognitoIdpUserPoolDomain.__init__
_original_domain_to_json = models.CognitoIdpUserPoolDomain.to_json


def _domain_init(self: models.CognitoIdpUserPoolDomain, *args: Any, **kwargs: Any) -> None:
    _original_domain_init(self, *args, **kwargs)
    self.managed_login_version = DEFAULT_MANAGED_LOGIN_VERSION


def _domain_to_json(self: models.CognitoIdpUserPoolDomain, extended: bool = True) -> dict[str, Any]:
    out = _original_domain_to_json(self, extended)
    out["ManagedLoginVersion"] = self.managed_login_version
    return out


_original_create_domain = CognitoIdpResponse.create_user_pool_domain
_original_update_domain = CognitoIdpResponse.update_user_pool_domain


def create_user_pool_domain(self: CognitoIdpResponse) -> ActionResult:
    result = _original_create_domain(self)
    version = self._get_param("ManagedLoginVersion")
    domain = self.backend.describe_user_pool_domain(self._get_param("Domain"))
    if version is not None and domain is not None:
        domain.managed_login_version = version
    return ActionResult(domain.to_json(extended=False)) if domain is not None else result


def update_user_pool_domain(self: CognitoIdpResponse) -> ActionResult:
    domain = self.backend.describe_user_pool_domain(self._get_param("Domain"))
    if domain is None:
        raise ResourceNotFoundError(self._get_param("Domain"))
    if self._get_param("CustomDomainConfig") is not None:
        _original_update_domain(self)
    version = self._get_param("ManagedLoginVersion")
    if version is not None:
        domain.managed_login_version = version
    return ActionResult(domain.to_json(extended=False))


def install() -> None:
    models.CognitoIdpUserPool.__init__ = _pool_init
    models.CognitoIdpBackend.update_user_pool = _update_user_pool
    models.CognitoIdpUserPoolDomain.__init__ = _domain_init
    models.CognitoIdpUserPoolDomain.to_json = _domain_to_json
    for fn in (
        set_user_pool_mfa_config,
        get_user_pool_mfa_config,
        set_risk_configuration,
        describe_risk_configuration,
        tag_resource,
        untag_resource,
        list_tags_for_resource,
        create_user_pool_domain,
        update_user_pool_domain,
    ):
        setattr(CognitoIdpResponse, fn.__name__, fn)
