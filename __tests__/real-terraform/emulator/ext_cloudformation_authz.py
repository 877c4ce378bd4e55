"""
CloudFormation acting for the caller: each stack resource's create, update or delete is evaluated as the
identity CloudFormation uses, and a resource that identity may not handle fails the stack as on AWS.

Without a service role CloudFormation makes every call of a stack operation with the credentials of whoever
started it; with one (CreateStack/UpdateStack RoleARN) it uses that role (AWS CloudFormation User Guide, "AWS
CloudFormation service role"). Those calls carry aws:CalledVia cloudformation.amazonaws.com and
aws:ViaAWSService, and a KMS call kms:ViaService cloudformation.<region>.amazonaws.com (ext_authz.for_caller).
moto creates a stack's resources by calling its backends directly, unauthorized: this file asks the evaluator
first, for every request each resource's handler makes (HANDLERS).

What a refusal does, as on AWS (CloudFormation User Guide, "Stack status codes" and "Troubleshooting: resource
handler returned message ... is not authorized to perform"):
- create: the resource's event CREATE_FAILED with the AccessDenied message, the stack ROLLBACK_COMPLETE
  (CREATE_FAILED with DisableRollback): nothing of it is left;
- update: the resource's event UPDATE_FAILED, the stack UPDATE_ROLLBACK_COMPLETE, every resource as before;
- delete: the resource's event DELETE_FAILED, the stack DELETE_FAILED, nothing deleted.
Every request is evaluated before any resource changes, so the rolled-back state needs no undoing here (on AWS
the resources before the refused one are made and then rolled back: the same end).
"""
import json
from typing import Any

from moto.cloudformation import models

import ext_authz

POOL = "pool"  # the user pool the resource's UserPoolId names
ANY = "*"  # actions without a resource type (vended log deliveries, resource policies)

# The calls a resource handler makes, from each type's resource schema (`handlers.<op>.permissions`) and the API
# pages of the operations it calls.
#
# AWS::Cognito::LogDeliveryConfiguration: the schema lists Cognito's Get/SetLogDeliveryConfiguration and the
# vended-logs permissions of every destination; Cognito checks the caller's permissions for the destination it
# delivers to (Cognito Developer Guide, "Exporting user pool logs": CloudWatch Logs needs logs:CreateLogDelivery,
# GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy,
# DescribeResourcePolicies, DescribeLogGroups; S3 and Firehose their own). Only CloudWatch Logs destinations are
# modelled: a configuration naming S3 or Firehose fails loudly (UNMODELLED).
_LOG_DELIVERY = [
    ("cognito-idp:GetLogDeliveryConfiguration", POOL),
    ("cognito-idp:SetLogDeliveryConfiguration", POOL),
    *[
        (f"logs:{a}", ANY)
        for a in (
            "CreateLogDelivery",
            "GetLogDelivery",
            "UpdateLogDelivery",
            "DeleteLogDelivery",
            "ListLogDeliveries",
            "PutResourcePolicy",
            "DescribeResourcePolicies",
            "DescribeLogGroups",
        )
    ],
]
HANDLERS: dict[str, dict[str, list[tuple[str, str]]]] = {
    "AWS::Cognito::LogDeliveryConfiguration": {"create": _LOG_DELIVERY, "update": _LOG_DELIVERY, "delete": _LOG_DELIVERY},
    # AWS::Cognito::ManagedLoginBranding: each handler's own API operation (Cognito API Reference,
    # Create/Update/DeleteManagedLoginBranding), then the read that reports the style (DescribeManagedLoginBranding).
    "AWS::Cognito::ManagedLoginBranding": {
        op: [(f"cognito-idp:{verb}ManagedLoginBranding", POOL), ("cognito-idp:DescribeManagedLoginBranding", POOL)]
        for op, verb in (("create", "Create"), ("update", "Update"), ("delete", "Delete"))
    },
}
UNMODELLED = "the emulator does not know which calls CloudFormation makes for"


class Refused(Exception):
    def __init__(self, logical_id: str, resource_type: str, reason: str) -> None:
        super().__init__(reason)
        self.logical_id = logical_id
        self.resource_type = resource_type
        self.reason = reason


def _resolve(value: Any, parameters: dict[str, Any]) -> Any:
    """A property with its parameter Refs resolved (the only references these checks need); anything else as is."""
    if isinstance(value, dict):
        if set(value) == {"Ref"} and value["Ref"] in parameters:
            return parameters[value["Ref"]]
        return {k: _resolve(v, parameters) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, parameters) for v in value]
    return value


def _requests(resource_type: str, op: str, properties: dict[str, Any], account: str, region: str) -> list[tuple[str, str]] | str:
    """(action, resource ARN) of each call the handler makes, or why the emulator cannot tell."""
    handlers = HANDLERS.get(resource_type)
    if handlers is None:
        return f"{UNMODELLED} {resource_type}"
    if resource_type == "AWS::Cognito::LogDeliveryConfiguration" and any(
        "S3Configuration" in c or "FirehoseConfiguration" in c for c in properties.get("LogConfigurations") or []
    ):
        return f"{UNMODELLED} {resource_type} with an S3 or Firehose destination"
    pool = f"arn:aws:cognito-idp:{region}:{account}:userpool/{properties.get('UserPoolId')}"
    return [(action, pool if target == POOL else ANY) for action, target in handlers[op]]


def _check(stack: Any, caller: "ext_authz.Caller", changes: list[tuple[str, str, dict[str, Any]]], parameters: dict[str, Any]) -> None:
    """Raises Refused for the first resource change the caller may not make (changes: logical id, op, resource JSON)."""
    for logical_id, op, resource_json in changes:
        resource_type = resource_json.get("Type", "")
        properties = _resolve(resource_json.get("Properties") or {}, parameters)
        requests = _requests(resource_type, op, properties, stack.account_id, stack.region_name)
        if isinstance(requests, str):
            raise Refused(logical_id, resource_type, requests)
        for action, resource in requests:
            answer = ext_authz.for_caller(caller, "cloudformation", action, resource, None, f"CloudFormation {op} {logical_id} ({stack.name})")
            if ext_authz.denied(answer):
                message = ext_authz.denial_message(caller.principal, action, answer)
                raise Refused(logical_id, resource_type, f"Resource handler returned message: \"{message}\" (HandlerErrorCode: AccessDenied)")


def _caller_for(stack: Any, role_arn: str | None = None) -> "ext_authz.Caller | None":
    """Whose permissions CloudFormation uses: the stack's service role, else the caller (None: not evaluated)."""
    if ext_authz.MODE == "off":
        return None
    role = role_arn or stack.role_arn
    if role:
        return ext_authz.role_caller(stack.account_id, role, stack.region_name)
    return ext_authz.current_caller()


def _event(stack: Any, logical_id: str, resource_type: str, status: str, reason: str | None = None) -> None:
    stack.events.append(
        models.Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=logical_id,
            physical_resource_id="",
            resource_type=resource_type,
            resource_status=status,
            resource_status_reason=reason,
            resource_properties=None,
        )
    )


def _refuse(stack: Any, refused: Refused, failed: str, stack_statuses: list[tuple[str, str | None]]) -> None:
    """Records the refusal as AWS reports it: the resource's *_FAILED event, then the stack's own events."""
    if ext_authz.MODE != "enforce" and not refused.reason.startswith(UNMODELLED):
        return
    _event(stack, refused.logical_id, refused.resource_type, failed, refused.reason)
    for status, reason in stack_statuses:
        stack._add_stack_event(status, resource_status_reason=reason)
        stack.status = status


def _resources(template: dict[str, Any]) -> dict[str, Any]:
    return dict(template.get("Resources") or {})


_original_create = models.Stack.create_resources
_original_update = models.Stack.update
_original_delete_stack = models.CloudFormationBackend.delete_stack


def _create_resources(self: Any) -> None:
    caller = _caller_for(self)
    if caller is not None:
        changes = [(lid, "create", r) for lid, r in _resources(self.template_dict).items()]
        try:
            _check(self, caller, changes, self.resource_map.resolved_parameters)
        except Refused as refused:
            failed_to_create = f"The following resource(s) failed to create: [{refused.logical_id}]. "
            if self.disable_rollback:
                _refuse(self, refused, "CREATE_FAILED", [("CREATE_FAILED", failed_to_create)])
            else:
                _refuse(
                    self,
                    refused,
                    "CREATE_FAILED",
                    [("ROLLBACK_IN_PROGRESS", failed_to_create + "Rollback requested by user."), ("ROLLBACK_COMPLETE", None)],
                )
            if ext_authz.MODE == "enforce" or refused.reason.startswith(UNMODELLED):
                # Rolled back: no resources and no outputs (moto would make them on first read, they are lazy).
                self.resource_map._resource_json_map = {}
                self.output_map._output_json_map = {}
                return
    _original_create(self)


def _update(self: Any, template: str, role_arn: str | None = None, parameters: dict[str, Any] | None = None, tags: Any = None) -> None:
    caller = _caller_for(self, role_arn)
    if caller is not None:
        new = _resources(self.parse_template(template))
        old = _resources(self.template_dict)
        old_parameters = dict(self.resource_map.resolved_parameters)
        new_parameters = {**old_parameters, **(parameters or {})}
        changes = [(lid, "delete", r) for lid, r in old.items() if lid not in new]
        changes += [(lid, "create", r) for lid, r in new.items() if lid not in old]
        changes += [
            (lid, "update", r)
            for lid, r in new.items()
            if lid in old and _resolve(r, new_parameters) != _resolve(old[lid], old_parameters)
        ]
        try:
            _check(self, caller, changes, {**old_parameters, **new_parameters})
        except Refused as refused:
            failed = "UPDATE_FAILED" if refused.logical_id in old else "CREATE_FAILED"
            _refuse(
                self,
                refused,
                failed,
                [
                    ("UPDATE_ROLLBACK_IN_PROGRESS", f"The following resource(s) failed to update: [{refused.logical_id}]. "),
                    ("UPDATE_ROLLBACK_COMPLETE", None),
                ],
            )
            if ext_authz.MODE == "enforce" or refused.reason.startswith(UNMODELLED):
                return
    _original_update(self, template, role_arn, parameters=parameters, tags=tags)


def _delete_stack(self: Any, name_or_stack_id: str) -> None:
    stack = next((s for s in self.stacks.values() if name_or_stack_id in (s.stack_id, s.name)), None)
    caller = _caller_for(stack) if stack is not None else None
    if stack is not None and caller is not None and stack.status not in ("ROLLBACK_COMPLETE",):
        kept = [lid for lid, r in _resources(stack.template_dict).items() if r.get("DeletionPolicy") == "Retain"]
        changes = [(lid, "delete", r) for lid, r in _resources(stack.template_dict).items() if lid not in kept]
        try:
            _check(stack, caller, changes, stack.resource_map.resolved_parameters)
        except Refused as refused:
            _refuse(stack, refused, "DELETE_FAILED", [("DELETE_FAILED", f"The following resource(s) failed to delete: [{refused.logical_id}]. ")])
            if ext_authz.MODE == "enforce" or refused.reason.startswith(UNMODELLED):
                return
    _original_delete_stack(self, name_or_stack_id)


def install() -> None:
    models.Stack.create_resources = _create_resources
    models.Stack.update = _update
    models.CloudFormationBackend.delete_stack = _delete_stack
