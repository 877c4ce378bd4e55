"""
CloudFormation resource types AWS::Cognito::LogDeliveryConfiguration and AWS::Cognito::ManagedLoginBranding,
created by calling the emulated SetLogDeliveryConfiguration (ext_cognito_users) and
Create/Update/DeleteManagedLoginBranding (ext_cognito_branding), as CloudFormation does on AWS.

moto's CloudFormation maps a template's resource type to the CloudFormationModel subclass whose
cloudformation_type() returns it (moto/cloudformation/parsing.py, get_model_map over
CloudFormationModel.__subclasses__(), cached with lru_cache) and skips any other type with only a
warning: the stack would reach CREATE_COMPLETE with nothing configured. Defining the subclass here
and clearing those caches registers the type.

Resource reference (CloudFormation User Guide, AWS::Cognito::LogDeliveryConfiguration,
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cognito-logdeliveryconfiguration.html):
properties UserPoolId (required, replacement on change) and LogConfigurations (0-2 items of
LogLevel, EventSource, CloudWatchLogsConfiguration.LogGroupArn, S3Configuration.BucketArn,
FirehoseConfiguration.StreamArn); Ref and Fn::GetAtt Id return the user pool id.

Resource reference (CloudFormation Template Reference, AWS::Cognito::ManagedLoginBranding,
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cognito-managedloginbranding.html):
properties UserPoolId (required), ClientId, UseCognitoProvidedValues, Settings, Assets, ReturnMergedResources;
Fn::GetAtt ManagedLoginBrandingId returns the style's id.
"""
from typing import Any

from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel

import ext_cognito_branding
import ext_cognito_users


def _configurations(properties: dict[str, Any]) -> list[dict[str, Any]]:
    # CloudFormation spells the nested types exactly like the API's LogConfigurationType.
    return list(properties.get("LogConfigurations") or [])


class LogDeliveryConfiguration(CloudFormationModel):
    # moto's model registry files every model under the service named by its module (moto.<service>...).
    __module__ = "moto.cognitoidp.ext_log_delivery"

    def __init__(self, account_id: str, region: str, user_pool_id: str) -> None:
        self.account_id = account_id
        self.region = region
        self.user_pool_id = user_pool_id

    @property
    def physical_resource_id(self) -> str:
        return self.user_pool_id

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Cognito::LogDeliveryConfiguration"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Id"

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "Id":
            return self.user_pool_id
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> "LogDeliveryConfiguration":
        properties = cloudformation_json.get("Properties") or {}
        pool_id = properties["UserPoolId"]
        ext_cognito_users.set_log_delivery_configuration(account_id, region_name, pool_id, _configurations(properties))
        return cls(account_id, region_name, pool_id)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> "LogDeliveryConfiguration":
        properties = cloudformation_json.get("Properties") or {}
        if properties["UserPoolId"] != original_resource.user_pool_id:  # replacement
            ext_cognito_users.remove_log_delivery_configuration(account_id, region_name, original_resource.user_pool_id)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        properties = cloudformation_json.get("Properties") or {}
        ext_cognito_users.remove_log_delivery_configuration(account_id, region_name, properties.get("UserPoolId", resource_name))

    def is_created(self) -> bool:
        return True


class ManagedLoginBranding(CloudFormationModel):
    # moto's model registry files every model under the service named by its module (moto.<service>...).
    __module__ = "moto.cognitoidp.ext_managed_login_branding"

    def __init__(self, pool_id: str, style_id: str) -> None:
        self.pool_id = pool_id
        self.style_id = style_id

    @property
    def physical_resource_id(self) -> str:
        return self.style_id

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Cognito::ManagedLoginBranding"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "ManagedLoginBrandingId"

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "ManagedLoginBrandingId":
            return self.style_id
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> "ManagedLoginBranding":
        p = cloudformation_json.get("Properties") or {}
        style = ext_cognito_branding.create_style(
            account_id, region_name, p["UserPoolId"], p["ClientId"], p.get("UseCognitoProvidedValues"), p.get("Settings"), p.get("Assets")
        )
        return cls(p["UserPoolId"], style["ManagedLoginBrandingId"])

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> "ManagedLoginBranding":
        p = cloudformation_json.get("Properties") or {}
        client = ext_cognito_branding.client_of_style(account_id, region_name, original_resource.pool_id, original_resource.style_id)
        if client is None or p["UserPoolId"] != original_resource.pool_id or p["ClientId"] != client:
            # UserPoolId and ClientId require replacement (and a style deleted outside the stack is made again).
            original_resource.delete(account_id, region_name)
            return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        ext_cognito_branding.update_style(
            account_id, region_name, p["UserPoolId"], original_resource.style_id, p.get("UseCognitoProvidedValues"), p.get("Settings"), p.get("Assets")
        )
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        # Already gone (deleted outside the stack) is fine, as CloudFormation treats NotFound on delete.
        if ext_cognito_branding.client_of_style(account_id, region_name, self.pool_id, self.style_id) is not None:
            ext_cognito_branding.delete_style(account_id, region_name, self.pool_id, self.style_id)

    def is_created(self) -> bool:
        return True


def install() -> None:
    # The classes above are already subclasses; drop moto's cached maps so the parser sees it.
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    assert parsing.resource_class_from_type("AWS::Cognito::LogDeliveryConfiguration") is LogDeliveryConfiguration
    assert parsing.resource_class_from_type("AWS::Cognito::ManagedLoginBranding") is ManagedLoginBranding
