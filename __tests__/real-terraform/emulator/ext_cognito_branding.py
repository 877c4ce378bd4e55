"""
Managed login branding styles, which moto 5.2 does not have: Create/Describe/DescribeByClient/Update/
DeleteManagedLoginBranding. ext_cloudformation.py's AWS::Cognito::ManagedLoginBranding calls the same
functions, as CloudFormation calls these operations on AWS.

API reference pages (Amazon Cognito user pools API reference, docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/):
- API_CreateManagedLoginBranding.html: UserPoolId and ClientId required; "To create a new style with
  default settings, set UseCognitoProvidedValues to true and don't provide values for any other
  options"; one style per app client (ManagedLoginBrandingExistsException).
- API_DescribeManagedLoginBranding.html, API_DescribeManagedLoginBrandingByClient.html,
  API_UpdateManagedLoginBranding.html, API_DeleteManagedLoginBranding.html:
  ResourceNotFoundException for an unknown pool, client or style.
- API_ManagedLoginBrandingType.html (ManagedLoginBrandingId a UUID v4, UserPoolId,
  UseCognitoProvidedValues, Settings, Assets (0-40), CreationDate, LastModifiedDate) and
  API_AssetType.html (Category, ColorMode, Extension enums; Bytes at most 1,000,000 characters).
"""
import time
import uuid
from typing import Any

from moto.cognitoidp import models as cognito_models
from moto.cognitoidp.exceptions import InvalidParameterException, ResourceNotFoundError
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult, EmptyResult

CATEGORIES = {
    "FAVICON_ICO", "FAVICON_SVG", "EMAIL_GRAPHIC", "SMS_GRAPHIC", "AUTH_APP_GRAPHIC", "PASSWORD_GRAPHIC",
    "PASSKEY_GRAPHIC", "PAGE_HEADER_LOGO", "PAGE_HEADER_BACKGROUND", "PAGE_FOOTER_LOGO", "PAGE_FOOTER_BACKGROUND",
    "PAGE_BACKGROUND", "FORM_BACKGROUND", "FORM_LOGO", "IDP_BUTTON_ICON",
}  # fmt: skip
COLOR_MODES = {"LIGHT", "DARK", "DYNAMIC"}
EXTENSIONS = {"ICO", "JPEG", "PNG", "SVG", "WEBP"}
MAX_ASSETS = 40
MAX_BYTES = 1_000_000

# (account, region, pool id) -> style id -> {"ClientId": ..., "Style": ManagedLoginBrandingType}
_STYLES: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {}


class ManagedLoginBrandingExistsException(JsonRESTError):
    def __init__(self, client_id: str) -> None:
        super().__init__("ManagedLoginBrandingExistsException", f"A managed login branding style already exists for client {client_id}.")


def _pool_styles(account: str, region: str, pool_id: str) -> dict[str, dict[str, Any]]:
    cognito_models.cognitoidp_backends[account][region].describe_user_pool(pool_id)  # ResourceNotFoundException
    return _STYLES.setdefault((account, region, pool_id), {})


def _validated(use_cognito: Any, settings: Any, assets: Any) -> dict[str, Any]:
    if use_cognito and (settings is not None or assets):
        raise InvalidParameterException("UseCognitoProvidedValues cannot be combined with Settings or Assets.")
    assets = list(assets or [])
    if len(assets) > MAX_ASSETS:
        raise InvalidParameterException(f"Assets has at most {MAX_ASSETS} items.")
    for a in assets:
        for key, allowed in (("Category", CATEGORIES), ("ColorMode", COLOR_MODES), ("Extension", EXTENSIONS)):
            if a.get(key) not in allowed:
                raise InvalidParameterException(f"Asset {key} must be one of {sorted(allowed)}, got {a.get(key)!r}.")
        if len(a.get("Bytes") or "") > MAX_BYTES:
            raise InvalidParameterException(f"Asset Bytes has at most {MAX_BYTES} characters.")
    return {"UseCognitoProvidedValues": bool(use_cognito), "Settings": settings or {}, "Assets": assets}


def create_style(account: str, region: str, pool_id: str, client_id: str, use_cognito: Any, settings: Any, assets: Any) -> dict[str, Any]:
    """Creates a client's style (also used by the CloudFormation resource below)."""
    styles = _pool_styles(account, region, pool_id)
    cognito_models.cognitoidp_backends[account][region].describe_user_pool_client(pool_id, client_id)
    if any(s["ClientId"] == client_id for s in styles.values()):
        raise ManagedLoginBrandingExistsException(client_id)
    now = time.time()
    style = {
        "ManagedLoginBrandingId": str(uuid.uuid4()),
        "UserPoolId": pool_id,
        **_validated(use_cognito, settings, assets),
        "CreationDate": now,
        "LastModifiedDate": now,
    }
    styles[style["ManagedLoginBrandingId"]] = {"ClientId": client_id, "Style": style}
    return style


def _entry(account: str, region: str, pool_id: str, style_id: str) -> dict[str, Any]:
    entry = _pool_styles(account, region, pool_id).get(style_id)
    if entry is None:
        raise ResourceNotFoundError(f"Managed login branding {style_id} does not exist.")
    return entry


def update_style(account: str, region: str, pool_id: str, style_id: str, use_cognito: Any, settings: Any, assets: Any) -> dict[str, Any]:
    style = _entry(account, region, pool_id, style_id)["Style"]
    style.update(_validated(use_cognito, settings, assets), LastModifiedDate=time.time())
    return style


def delete_style(account: str, region: str, pool_id: str, style_id: str) -> None:
    _entry(account, region, pool_id, style_id)
    del _STYLES[(account, region, pool_id)][style_id]


def client_of_style(account: str, region: str, pool_id: str, style_id: str) -> str | None:
    """The client a style belongs to, or None when the style no longer exists."""
    entry = _STYLES.get((account, region, pool_id), {}).get(style_id)
    return entry["ClientId"] if entry else None


def create_managed_login_branding(self: CognitoIdpResponse) -> ActionResult:
    p = self._get_param
    style = create_style(
        self.current_account, self.region, p("UserPoolId"), p("ClientId"), p("UseCognitoProvidedValues"), p("Settings"), p("Assets")
    )
    return ActionResult({"ManagedLoginBranding": style})


def describe_managed_login_branding(self: CognitoIdpResponse) -> ActionResult:
    entry = _entry(self.current_account, self.region, self._get_param("UserPoolId"), self._get_param("ManagedLoginBrandingId"))
    return ActionResult({"ManagedLoginBranding": entry["Style"]})


def describe_managed_login_branding_by_client(self: CognitoIdpResponse) -> ActionResult:
    pool_id, client_id = self._get_param("UserPoolId"), self._get_param("ClientId")
    styles = _pool_styles(self.current_account, self.region, pool_id)
    self.backend.describe_user_pool_client(pool_id, client_id)
    for entry in styles.values():
        if entry["ClientId"] == client_id:
            return ActionResult({"ManagedLoginBranding": entry["Style"]})
    raise ResourceNotFoundError(f"No managed login branding style for client {client_id}.")


def update_managed_login_branding(self: CognitoIdpResponse) -> ActionResult:
    p = self._get_param
    style = update_style(
        self.current_account, self.region, p("UserPoolId"), p("ManagedLoginBrandingId"), p("UseCognitoProvidedValues"), p("Settings"), p("Assets")
    )
    return ActionResult({"ManagedLoginBranding": style})


def delete_managed_login_branding(self: CognitoIdpResponse) -> EmptyResult:
    delete_style(self.current_account, self.region, self._get_param("UserPoolId"), self._get_param("ManagedLoginBrandingId"))
    return EmptyResult()


def install() -> None:
    for fn in (
        create_managed_login_branding,
        describe_managed_login_branding,
        describe_managed_login_branding_by_client,
        update_managed_login_branding,
        delete_managed_login_branding,
    ):
        setattr(CognitoIdpResponse, fn.__name__, fn)
