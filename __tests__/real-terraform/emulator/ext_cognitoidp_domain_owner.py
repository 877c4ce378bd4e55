"""
DescribeUserPoolDomain's AWSAccountId as AWS reports it: the account that owns the user pool, the
same on every call. moto 5.2 returns a new random UUID each time, so every refresh of an
aws_cognito_user_pool_domain looks like a change made outside Terraform (drift detection reported
it right after a deploy).

API reference: API_DomainDescriptionType.html (AWSAccountId: "The AWS ID for the user pool owner",
at most 12 digits), API_DescribeUserPoolDomain.html.

Installed after ext_cognitoidp.py (the launcher loads extensions in name order) and wraps whatever
to_json is in place then, so the two compose.
"""
from typing import Any

from moto.cognitoidp import models


def install() -> None:
    original_create = models.CognitoIdpBackend.create_user_pool_domain
    original_to_json = models.CognitoIdpUserPoolDomain.to_json

    def create_user_pool_domain(self: models.CognitoIdpBackend, *args: Any, **kwargs: Any) -> models.CognitoIdpUserPoolDomain:
        domain = original_create(self, *args, **kwargs)
        domain.owner_account_id = self.account_id
        return domain

    def to_json(self: models.CognitoIdpUserPoolDomain, extended: bool = True) -> dict[str, Any]:
        out = original_to_json(self, extended)
        if extended and "AWSAccountId" in out and getattr(self, "owner_account_id", None):
            out["AWSAccountId"] = self.owner_account_id
        return out

    models.CognitoIdpBackend.create_user_pool_domain = create_user_pool_domain
    models.CognitoIdpUserPoolDomain.to_json = to_json
