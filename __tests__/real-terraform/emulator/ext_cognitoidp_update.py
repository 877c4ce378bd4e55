"""
UpdateUserPool as AWS does it: settings the call has no parameter for (UsernameAttributes,
AliasAttributes, UsernameConfiguration: fixed when the pool is created) survive an update. moto 5.2
replaces the pool's whole stored configuration with the update's, so a console-style update of
deletion protection made the provider plan a replacement of the pool (username_configuration
"forces replacement").

API reference: API_UpdateUserPool.html (its request parameters; "If you don't provide a value for
an attribute, Amazon Cognito sets it to its default value" applies to those parameters only),
API_CreateUserPool.html (where the three are set).
"""
from typing import Any

from moto.cognitoidp import models

CREATE_ONLY = ("UsernameAttributes", "AliasAttributes", "UsernameConfiguration")


def install() -> None:
    original = models.CognitoIdpBackend.update_user_pool

    def update_user_pool(self: models.CognitoIdpBackend, user_pool_id: str, extended_config: dict[str, Any]) -> None:
        pool = self.describe_user_pool(user_pool_id)
        kept = {k: pool.extended_config[k] for k in CREATE_ONLY if k in pool.extended_config}
        original(self, user_pool_id, {**{k: v for k, v in extended_config.items() if k not in CREATE_ONLY}, **kept})

    models.CognitoIdpBackend.update_user_pool = update_user_pool
