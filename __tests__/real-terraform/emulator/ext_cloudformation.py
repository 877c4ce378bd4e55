"""
CloudFormation resource type AWS::Cognito::LogDeliveryConfiguration, created by calling the
emulated SetLogDeliveryConfiguration (ext_cognito_users), as CloudFormation does on AWS.

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
"""
from typing import Any

from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel

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


def install() -> None:
    # The class above is already a subclass; drop moto's cached maps so the parser sees it.
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    assert parsing.resource_class_from_type("AWS::Cognito::LogDeliveryConfiguration") is LogDeliveryConfiguration
