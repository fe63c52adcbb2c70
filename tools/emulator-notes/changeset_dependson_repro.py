#!/usr/bin/env python3
"""Minimal reproduction: moto 5.2.5 executes a CREATE change set without honouring
`DependsOn`, and fails the ExecuteChangeSet call itself (no events, no rollback).

The template is the shape AWS CDK synthesizes for every LambdaRestApi: an
AWS::ApiGateway::Deployment listed *before* the Method it `DependsOn` (a Deployment
only snapshots methods that already exist). Real CloudFormation orders by DependsOn,
whichever path starts the stack.

Run against a moto_server:  python3 changeset_dependson_repro.py http://127.0.0.1:PORT

Observed with unpatched moto 5.2.5:
  create_stack: CREATE_COMPLETE            (ResourceMap.create sorts by DependsOn)
  change set:   ExecuteChangeSet raises     BadRequestException "The REST API doesn't
                contain any methods" (ResourceMap.update creates "Add" resources in
                template order); the CloudFormation endpoint answers with API
                Gateway's JSON error body; the stack stays REVIEW_IN_PROGRESS.
With tools/moto-patch applied (scripts/install-tools does it): both CREATE_COMPLETE.
Exit status: 0 when the emulator handles both, 1 otherwise.
"""
import json
import sys

import boto3
import botocore.exceptions
import botocore.parsers

ENDPOINT = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"
TEMPLATE = {
    "Resources": {
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "repro"}},
        # Listed before the method, as CDK emits it.
        "Deployment": {
            "Type": "AWS::ApiGateway::Deployment",
            "Properties": {"RestApiId": {"Ref": "Api"}},
            "DependsOn": ["RootAny"],
        },
        "RootAny": {
            "Type": "AWS::ApiGateway::Method",
            "Properties": {
                "RestApiId": {"Ref": "Api"},
                "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
                "HttpMethod": "ANY",
                "AuthorizationType": "NONE",
                "Integration": {"Type": "MOCK", "IntegrationHttpMethod": "POST", "Uri": ""},
            },
        },
    }
}

cfn = boto3.client(
    "cloudformation",
    endpoint_url=ENDPOINT,
    region_name="us-west-2",
    aws_access_key_id="testing",
    aws_secret_access_key="testing",
)
body = json.dumps(TEMPLATE)

cfn.create_stack(StackName="repro-create-stack", TemplateBody=body)
status = cfn.describe_stacks(StackName="repro-create-stack")["Stacks"][0]["StackStatus"]
print(f"create_stack:         {status}")
ok = status == "CREATE_COMPLETE"

cs = cfn.create_change_set(
    StackName="repro-change-set", ChangeSetName="cs", ChangeSetType="CREATE", TemplateBody=body
)
cfn.get_waiter("change_set_create_complete").wait(ChangeSetName=cs["Id"])
try:
    cfn.execute_change_set(ChangeSetName=cs["Id"])
    outcome = "ExecuteChangeSet accepted"
except (botocore.exceptions.ClientError, botocore.parsers.ResponseParserError) as e:
    outcome = f"ExecuteChangeSet failed: {str(e).splitlines()[-1]}"
    ok = False
status = cfn.describe_stacks(StackName="repro-change-set")["Stacks"][0]["StackStatus"]
print(f"change set execution: {outcome}; stack {status}")
ok = ok and status == "CREATE_COMPLETE"
sys.exit(0 if ok else 1)
