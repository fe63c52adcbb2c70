"""A small patch of moto 5.2.5's CloudFormation, so the deploy tests exercise the whole
Rootski-Lambda-REST-API-Stack as AWS CloudFormation runs it. Installed by
scripts/install-tools next to moto in .tools/venv; `.tools/venv/bin/moto_server` is
then a wrapper that imports this module before starting moto's server.

What moto 5.2.5 gets wrong, and what is changed here (moto itself is untouched on disk):

1. Change-set execution ignores `DependsOn`. `ResourceMap.create` (CreateStack) sorts
   resources by DependsOn, but `ResourceMap.update` (ExecuteChangeSet, UpdateStack)
   creates the added resources in template order, resolving only Ref/GetAtt lazily.
   AWS CDK lists a LambdaRestApi's Deployment before the Methods it DependsOn, so the
   Deployment is created first and API Gateway refuses it: "The REST API doesn't
   contain any methods". Reproduction: tools/emulator-notes/changeset_dependson_repro.py.
   Fix: the "Add" list of the resource diff is put in DependsOn order (moto's own
   ordering rule for CreateStack).
2. ExecuteChangeSet has no failure handling ("TODO: handle execution errors and
   implement rollback" in moto): a resource error becomes the HTTP answer of
   ExecuteChangeSet itself (the failing service's JSON error body on the XML
   CloudFormation endpoint), no resource event is written and a new stack stays in
   REVIEW_IN_PROGRESS. AWS accepts the call and reports through stack events.
   Fix: per-resource events (CREATE_IN_PROGRESS / CREATE_COMPLETE / CREATE_FAILED with
   the service's message, UPDATE_* for modified resources), and on a failure a
   rollback as CloudFormation does it: a failed creation deletes what was created and
   ends in ROLLBACK_COMPLETE, a failed update re-applies the previous template and
   ends in UPDATE_ROLLBACK_COMPLETE (`*_FAILED` when that rollback fails).
   Outputs and exports are recomputed from the executed template (moto kept the
   empty template's).
3. No CloudFormation support for AWS::ApiGateway::Stage, Account, DomainName,
   BasePathMapping and AWS::CertificateManager::Certificate (logged "No Moto
   CloudFormation support" and skipped; Outputs that Ref them are dropped). moto's
   API Gateway and ACM backends have the operations; the CloudFormation models below
   call them. The certificate is requested (DNS validation is not simulated: no
   validation records are written to the hosted zone); the Account resource sets the
   CloudWatch role ARN. AWS::ApiGateway::Deployment gets the `Ref` CloudFormation
   gives it (its id; moto returned the Python object), and a deleted stack deletes
   its AWS::ApiGateway::RestApi (moto left it behind).
4. DescribeStacks of a deleted stack resolved its Outputs again, re-creating the
   resources they Ref (and failing with a 500): a deleted stack has no outputs.
5. A `TemplateURL` in path style on the emulator's own address
   (`http://127.0.0.1:PORT/bucket/key`, what the AWS CDK CLI sends when
   AWS_ENDPOINT_URL points there) was read as bucket "127" ("The specified bucket
   does not exist"); moto only knew `localhost` for path style.
"""

from typing import Any

from moto.acm.models import acm_backends
from moto.apigateway import models as apigw
from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing
from moto.cloudformation import responses as cfn_responses
from moto.core.common_models import CloudFormationModel

MOTO_VERSION = "5.2.5"


# --- 3. CloudFormation models for the resource types moto skips ---------------------


def _backend(account_id: str, region_name: str) -> Any:
    return apigw.apigateway_backends[account_id][region_name]


class CfnStage(CloudFormationModel):
    """AWS::ApiGateway::Stage: `Ref` is the stage name."""

    __module__ = "moto.apigateway.rootski_moto_patch"  # moto files models by service

    def __init__(self, rest_api_id: str, name: str):
        self.rest_api_id = rest_api_id
        self.name = name

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGateway::Stage"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "StageName"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> "CfnStage":
        props = cloudformation_json["Properties"]
        rest_api_id = props["RestApiId"]
        name = props["StageName"]
        _backend(account_id, region_name).create_stage(
            function_id=rest_api_id,
            stage_name=name,
            deploymentId=props.get("DeploymentId"),
            variables=props.get("Variables"),
            description=props.get("Description", ""),
            tracing_enabled=props.get("TracingEnabled"),
        )
        return cls(rest_api_id, name)

    @property
    def physical_resource_id(self) -> str:
        return self.name

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _backend(account_id, region_name)
        # moto deletes a stack's resources in no particular order: the API may be gone.
        if self.rest_api_id in backend.apis:
            backend.delete_stage(self.rest_api_id, self.name)


class CfnDomainName(CloudFormationModel):
    """AWS::ApiGateway::DomainName: `Ref` is the domain name; GetAtt of the regional
    and distribution names and hosted zones (what a Route 53 alias needs)."""

    __module__ = "moto.apigateway.rootski_moto_patch"  # moto files models by service

    def __init__(self, domain: Any):
        self.domain = domain

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGateway::DomainName"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "DomainName"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in [
            "RegionalDomainName",
            "RegionalHostedZoneId",
            "DistributionDomainName",
            "DistributionHostedZoneId",
        ]

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        return {
            "RegionalDomainName": self.domain.regional_domain_name,
            "RegionalHostedZoneId": self.domain.regional_hosted_zone_id,
            "DistributionDomainName": self.domain.distribution_domain_name,
            "DistributionHostedZoneId": self.domain.distribution_hosted_zone_id,
        }[attribute_name]

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> "CfnDomainName":
        props = cloudformation_json["Properties"]
        domain = _backend(account_id, region_name).create_domain_name(
            domain_name=props["DomainName"],
            certificate_name=None,
            tags=props.get("Tags"),
            certificate_arn=props.get("CertificateArn"),
            certificate_body=None,
            certificate_private_key=None,
            certificate_chain=None,
            regional_certificate_name=None,
            regional_certificate_arn=props.get("RegionalCertificateArn"),
            endpoint_configuration=props.get("EndpointConfiguration"),
            security_policy=props.get("SecurityPolicy"),
        )
        return cls(domain)

    @property
    def physical_resource_id(self) -> str:
        return self.domain.domain_name

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _backend(account_id, region_name)
        backend.delete_domain_name(self.domain.domain_name)
        backend.base_path_mappings.pop(self.domain.domain_name, None)


class CfnBasePathMapping(CloudFormationModel):
    """AWS::ApiGateway::BasePathMapping."""

    __module__ = "moto.apigateway.rootski_moto_patch"  # moto files models by service

    def __init__(self, domain_name: str, base_path: str):
        self.domain_name = domain_name
        self.base_path = base_path

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGateway::BasePathMapping"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> "CfnBasePathMapping":
        props = cloudformation_json["Properties"]
        mapping = _backend(account_id, region_name).create_base_path_mapping(
            domain_name=props["DomainName"],
            rest_api_id=props["RestApiId"],
            base_path=props.get("BasePath"),
            stage=props.get("Stage"),
        )
        return cls(props["DomainName"], mapping.base_path)

    @property
    def physical_resource_id(self) -> str:
        return f"{self.domain_name}/{self.base_path}"

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _backend(account_id, region_name)
        # The domain name may have been deleted first (it takes its mappings along).
        if self.base_path in backend.base_path_mappings.get(self.domain_name, {}):
            backend.delete_base_path_mapping(self.domain_name, self.base_path)


class CfnApiGatewayAccount(CloudFormationModel):
    """AWS::ApiGateway::Account: the region's CloudWatch role; deleting it leaves the
    setting in place, as CloudFormation does."""

    __module__ = "moto.apigateway.rootski_moto_patch"  # moto files models by service

    def __init__(self, logical_id: str):
        self.logical_id = logical_id

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGateway::Account"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> "CfnApiGatewayAccount":
        role = cloudformation_json.get("Properties", {}).get("CloudWatchRoleArn")
        if role:
            _backend(account_id, region_name).update_account(
                [{"op": "replace", "path": "/cloudwatchRoleArn", "value": role}]
            )
        return cls(kwargs.get("LogicalId", resource_name))

    @property
    def physical_resource_id(self) -> str:
        return self.logical_id

    def delete(self, account_id: str, region_name: str) -> None:
        pass


class CfnCertificate(CloudFormationModel):
    """AWS::CertificateManager::Certificate: `Ref` is the certificate ARN."""

    __module__ = "moto.acm.rootski_moto_patch"  # moto files models by service

    def __init__(self, arn: str):
        self.arn = arn

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CertificateManager::Certificate"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> "CfnCertificate":
        props = cloudformation_json["Properties"]
        arn = acm_backends[account_id][region_name].request_certificate(
            domain_name=props["DomainName"],
            idempotency_token=None,
            subject_alt_names=props.get("SubjectAlternativeNames") or [],
            tags=props.get("Tags") or [],
        )
        return cls(arn)

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    def delete(self, account_id: str, region_name: str) -> None:
        acm_backends[account_id][region_name].delete_certificate(self.arn)


apigw.Deployment.physical_resource_id = property(lambda self: self.id)  # type: ignore[attr-defined]


def _delete_rest_api(self: Any, account_id: str, region_name: str) -> None:
    _backend(account_id, region_name).apis.pop(self.id, None)


# Deleting the stack deletes its REST API (with its resources, methods, stages);
# moto had no delete for it and left the API behind.
apigw.RestAPI.delete = _delete_rest_api  # type: ignore[attr-defined]
# get_model_map() is cached: the new classes must exist before its first call.
parsing.get_model_map.cache_clear()
parsing.get_name_type_map.cache_clear()


# --- 1. DependsOn order for the resources a change set adds --------------------------


def _dependency_order(resources: dict[str, Any]) -> list[str]:
    """moto's CreateStack order: each resource after the ones it DependsOn."""
    ordered: list[str] = []
    remaining = dict(resources)

    def visit(name: str) -> None:
        info = remaining.pop(name)
        deps = info.get("DependsOn", [])
        for dep in [deps] if isinstance(deps, str) else deps:
            if dep in remaining:
                visit(dep)
        ordered.append(name)

    while remaining:
        visit(next(iter(remaining)))
    return ordered


_original_build_resource_diff = parsing.ResourceMap.build_resource_diff


def _build_resource_diff(self: Any, other_template: dict[str, Any], parameters: Any = None) -> dict[str, Any]:
    diff = _original_build_resource_diff(self, other_template, parameters)
    added = set(diff["Add"])
    diff["Add"] = [n for n in _dependency_order(other_template["Resources"]) if n in added]
    return diff


parsing.ResourceMap.build_resource_diff = _build_resource_diff


# --- 2. Resource events, failures and rollback of change-set execution ---------------


class ResourceFailed(Exception):
    """A resource of the stack failed; its CREATE_FAILED event is written."""

    def __init__(self, logical_id: str, reason: str):
        super().__init__(reason)
        self.logical_id = logical_id
        self.reason = reason


def _reason(err: Exception) -> str:
    """CloudFormation's wording: the service's message and its error code."""
    message = getattr(err, "message", None) or str(err)
    # RESTError subclasses carry `error_type`; ServiceException ones a string `code`.
    code = getattr(err, "error_type", None) or getattr(err, "code", None)
    return f"{message} (Service error code: {code})" if isinstance(code, str) else message


def _stack_of(resources_map: Any) -> Any:
    backend = cfn_models.cloudformation_backends[resources_map._account_id][resources_map._region_name]
    return backend.stacks.get(resources_map.stack_id)


def _event(stack: Any, logical_id: str, rtype: str, status: str, physical: str = "", reason: str | None = None) -> None:
    if stack is None:
        return
    stack.events.append(
        cfn_models.Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=logical_id,
            physical_resource_id=physical,
            resource_type=rtype,
            resource_status=status,
            resource_status_reason=reason,
            resource_properties=None,
        )
    )


def _with_events(original: Any, verb: str) -> Any:
    def wrapper(logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str) -> Any:
        stack = _stack_of(resources_map)
        rtype = resource_json.get("Type", "")
        _event(stack, logical_id, rtype, f"{verb}_IN_PROGRESS")
        try:
            resource = original(logical_id, resource_json, resources_map, account_id, region_name)
        except ResourceFailed:
            # A resource it references failed first: that one carries the reason.
            _event(stack, logical_id, rtype, f"{verb}_FAILED", reason="Resource creation cancelled")
            raise
        except Exception as err:  # noqa: BLE001 - any service error fails the resource
            reason = _reason(err)
            _event(stack, logical_id, rtype, f"{verb}_FAILED", reason=reason)
            raise ResourceFailed(logical_id, reason) from err
        physical = getattr(resource, "physical_resource_id", "") if resource is not None else ""
        _event(stack, logical_id, rtype, f"{verb}_COMPLETE", physical=str(physical))
        return resource

    return wrapper


parsing.parse_and_create_resource = _with_events(parsing.parse_and_create_resource, "CREATE")
parsing.parse_and_update_resource = _with_events(parsing.parse_and_update_resource, "UPDATE")


def _refresh_outputs(backend: Any, stack: Any) -> None:
    for export in stack.exports:
        backend.exports.pop(export.name, None)
    stack._parse_template()
    stack.output_map = stack._create_output_map()
    stack.description = stack.template_dict.get("Description")
    for export in stack.exports:
        backend.exports[export.name] = export


def _find_change_set(backend: Any, change_set_name: str, stack_name: str | None) -> Any:
    if change_set_name in backend.change_sets:
        return backend.change_sets[change_set_name]
    for cs in backend.change_sets.values():
        if cs.change_set_name == change_set_name and stack_name in (None, cs.stack_name, cs.stack_id):
            return cs
    raise cfn_models.ValidationError(stack_name)


def _rollback_create(stack: Any, failed: str) -> str:
    stack._add_stack_event(
        "ROLLBACK_IN_PROGRESS",
        resource_status_reason=f"The following resource(s) failed to create: [{failed}]. Rollback requested by user.",
    )
    try:
        stack.resource_map.delete()
    except Exception as err:  # noqa: BLE001
        stack._add_stack_event("ROLLBACK_FAILED", resource_status_reason=_reason(err))
        return "ROLLBACK_FAILED"
    stack._add_stack_event("ROLLBACK_COMPLETE")
    return "ROLLBACK_COMPLETE"


def _rollback_update(stack: Any, failed: str, old_template: dict[str, Any], old_parameters: Any) -> str:
    stack._add_stack_event(
        "UPDATE_ROLLBACK_IN_PROGRESS",
        resource_status_reason=f"The following resource(s) failed to update: [{failed}].",
    )
    try:
        stack.resource_map.update(old_template, old_parameters)
    except Exception as err:  # noqa: BLE001
        stack._add_stack_event("UPDATE_ROLLBACK_FAILED", resource_status_reason=_reason(err))
        return "UPDATE_ROLLBACK_FAILED"
    stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE")
    return "UPDATE_ROLLBACK_COMPLETE"


def _execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
    change_set = _find_change_set(self, change_set_name, stack_name)
    stack = self.stacks[change_set.stack_id]
    verb = change_set.change_set_type  # CREATE | UPDATE
    old_template = stack.resource_map._template
    old_parameters = stack.resource_map.input_parameters
    stack.status = f"{verb}_IN_PROGRESS"
    stack._add_stack_event(f"{verb}_IN_PROGRESS", resource_status_reason="User Initiated")
    try:
        change_set.apply()
    except ResourceFailed as failure:
        if verb == "CREATE":
            stack.status = _rollback_create(stack, failure.logical_id)
        else:
            stack.status = _rollback_update(stack, failure.logical_id, old_template, old_parameters)
        change_set.execution_status = "EXECUTE_FAILED"
        return
    stack.template = change_set.template
    _refresh_outputs(self, stack)
    stack._add_stack_event(f"{verb}_COMPLETE")
    stack.status = f"{verb}_COMPLETE"
    change_set.execution_status = "EXECUTE_COMPLETE"


cfn_models.CloudFormationBackend.execute_change_set = _execute_change_set


_original_stack_delete = cfn_models.Stack.delete


def _stack_delete(self: Any) -> None:
    _original_stack_delete(self)
    # The outputs of a deleted stack resolve lazily through its (now empty) resource
    # map, which re-creates the resources they Ref: DescribeStacks of the deleted
    # stack then re-ran the Deployment and answered 500. A deleted stack has none.
    self.output_map = parsing.OutputMap(self.resource_map, {}, self.stack_id)


cfn_models.Stack.delete = _stack_delete


_original_get_stack_from_s3_url = cfn_responses.get_stack_from_s3_url


def _get_stack_from_s3_url(template_url: str, account_id: str, partition: str) -> str:
    if template_url.startswith(("http://127.0.0.1:", "https://127.0.0.1:")):
        template_url = template_url.replace("127.0.0.1", "localhost", 1)
    return _original_get_stack_from_s3_url(template_url, account_id=account_id, partition=partition)


cfn_responses.get_stack_from_s3_url = _get_stack_from_s3_url
