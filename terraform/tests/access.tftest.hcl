# Who may do what: the Databricks role (modules/databricks_access), the key policies that let it
# decrypt, and the API's Kinesis role. Applied against a mocked AWS provider (make tf-check,
# offline); the policy documents' statements are checked as Terraform evaluates them.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-2"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_availability_zones" {
    defaults = {
      names = ["eu-west-2a", "eu-west-2b", "eu-west-2c"]
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:eu-west-2:123456789012:key/00000000-0000-0000-0000-000000000000"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/mock"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-2:123456789012:log-group:mock"
    }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::mock"
    }
  }
  mock_resource "aws_msk_configuration" {
    defaults = {
      arn = "arn:aws:kafka:eu-west-2:123456789012:configuration/mock/0"
    }
  }
  mock_resource "aws_mskconnect_custom_plugin" {
    defaults = {
      arn = "arn:aws:kafkaconnect:eu-west-2:123456789012:custom-plugin/mock/0"
    }
  }
  mock_resource "aws_lb" {
    defaults = {
      arn      = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/net/mock/0"
      dns_name = "mock-rest.elb.eu-west-2.amazonaws.com"
    }
  }
  mock_resource "aws_lb_target_group" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/mock/0"
    }
  }
  mock_resource "aws_vpc_endpoint" {
    defaults = {
      prefix_list_id = "pl-0123456789abcdef0"
    }
  }
}

variables {
  name               = "pinterest-0a1b2c3d4e5f-databricks"
  external_ids       = ["8a1c1d2e-0000-4000-8000-000000000001", "8a1c1d2e-0000-4000-8000-000000000002"]
  bucket             = "user-0a1b2c3d4e5f-bucket"
  bucket_arn         = "arn:aws:s3:::user-0a1b2c3d4e5f-bucket"
  bucket_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/11111111-1111-1111-1111-111111111111"
  streams = {
    pin  = "streaming-0a1b2c3d4e5f-pin"
    geo  = "streaming-0a1b2c3d4e5f-geo"
    user = "streaming-0a1b2c3d4e5f-user"
  }
  stream_arns = {
    pin  = "arn:aws:kinesis:eu-west-2:123456789012:stream/streaming-0a1b2c3d4e5f-pin"
    geo  = "arn:aws:kinesis:eu-west-2:123456789012:stream/streaming-0a1b2c3d4e5f-geo"
    user = "arn:aws:kinesis:eu-west-2:123456789012:stream/streaming-0a1b2c3d4e5f-user"
  }
  streams_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/22222222-2222-2222-2222-222222222222"
  # api_gateway
  openapi_template_path = "../contracts/openapi.yaml"
  rest_proxy_uri        = "http://mock-rest.elb.eu-west-2.amazonaws.com:8082"
  nlb_arn               = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/net/mock/0"
}

run "databricks_role_trusts_unity_catalog_and_itself" {
  command = apply
  module {
    source = "./modules/databricks_access"
  }

  assert {
    condition = (
      data.aws_iam_policy_document.trust.statement[0].sid == "UnityCatalogAssumeRole"
      && one(data.aws_iam_policy_document.trust.statement[0].principals).identifiers == toset(["arn:aws:iam::414351767826:role/unity-catalog-prod-UCMasterRole-14S5ZJVKOTYTL"])
      && one(data.aws_iam_policy_document.trust.statement[0].condition).variable == "sts:ExternalId"
      && one(data.aws_iam_policy_document.trust.statement[0].condition).values == var.external_ids
    )
    error_message = "the role must trust Databricks' Unity Catalog master role with the credentials' external ids"
  }

  assert {
    condition = (
      one(data.aws_iam_policy_document.trust.statement[1].principals).identifiers == toset(["arn:aws:iam::123456789012:root"])
      && contains([for c in data.aws_iam_policy_document.trust.statement[1].condition : "${c.test} ${c.variable} ${join(",", c.values)}"], "ArnLike aws:PrincipalArn arn:aws:iam::123456789012:role/pinterest-0a1b2c3d4e5f-databricks")
      && contains([for c in data.aws_iam_policy_document.trust.statement[1].condition : c.variable], "sts:ExternalId")
    )
    error_message = "the role must be able to assume itself (Databricks requires it)"
  }

  assert {
    condition     = output.role_arn == aws_iam_role.this[0].arn && output.role_arns == [aws_iam_role.this[0].arn]
    error_message = "the module does not output the role"
  }
}

run "databricks_role_reads_landed_data_and_streams_and_writes_tables" {
  command = apply
  module {
    source = "./modules/databricks_access"
  }

  assert {
    condition = jsonencode({
      for st in data.aws_iam_policy_document.access.statement : st.sid => [sort(st.actions), sort(st.resources)]
      }) == jsonencode({
      ListThePipelinePrefixes       = [["s3:ListBucket"], ["arn:aws:s3:::user-0a1b2c3d4e5f-bucket"]]
      BucketFacts                   = [["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"], ["arn:aws:s3:::user-0a1b2c3d4e5f-bucket"]]
      ReadLandedRecords             = [["s3:GetObject"], ["arn:aws:s3:::user-0a1b2c3d4e5f-bucket/topics/*"]]
      ReadWriteTablesAndCheckpoints = [["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"], ["arn:aws:s3:::user-0a1b2c3d4e5f-bucket/checkpoints/*", "arn:aws:s3:::user-0a1b2c3d4e5f-bucket/delta/*"]]
      UseTheBucketKey               = [["kms:Decrypt", "kms:GenerateDataKey"], [var.bucket_kms_key_arn]]
      ReadThePipelineStreams        = [["kinesis:DescribeStream", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"], sort(values(var.stream_arns))]
      DecryptTheStreams             = [["kms:Decrypt"], [var.streams_kms_key_arn]]
      AssumeItself                  = [["sts:AssumeRole"], ["arn:aws:iam::123456789012:role/pinterest-0a1b2c3d4e5f-databricks"]]
    })
    error_message = "the Databricks role's permissions are not exactly: read topics/, read/write delta/ and checkpoints/, read the three streams, their keys"
  }

  assert {
    condition     = toset(one([for st in data.aws_iam_policy_document.access.statement : one(st.condition).values if st.sid == "ListThePipelinePrefixes"])) == toset(["topics", "topics/*", "delta", "delta/*", "checkpoints", "checkpoints/*"])
    error_message = "the role may list more of the bucket than the pipeline's prefixes"
  }

  assert {
    condition     = aws_iam_role_policy.access[0].role == aws_iam_role.this[0].id
    error_message = "the permissions are not attached to the role"
  }
}

run "databricks_role_is_optional" {
  command = apply
  module {
    source = "./modules/databricks_access"
  }
  variables {
    enabled = false
  }

  assert {
    condition     = length(aws_iam_role.this) == 0 && output.role_arns == [] && output.role_arn == null
    error_message = "a disabled module must create nothing"
  }
}

run "streams_key_lets_consumers_decrypt_through_kinesis" {
  command = apply
  module {
    source = "./modules/kinesis"
  }
  variables {
    consumer_principal_arns = ["arn:aws:iam::123456789012:role/pinterest-0a1b2c3d4e5f-databricks"]
  }

  assert {
    condition = length(local.key_statements) == 1 && alltrue([
      for st in local.key_statements :
      st.sid == "ConsumersDecryptThroughKinesis" && toset(st.actions) == toset(["kms:Decrypt"])
      && toset(st.principal_arns) == toset(var.consumer_principal_arns) && st.via_service == "kinesis"
    ])
    error_message = "the streams' key policy does not let the consumer role (only) decrypt through Kinesis"
  }
}

run "data_key_lets_key_users_read_and_write_through_s3" {
  command = apply
  module {
    source = "./modules/storage"
  }
  variables {
    key_user_principal_arns = ["arn:aws:iam::123456789012:role/pinterest-0a1b2c3d4e5f-databricks"]
  }

  assert {
    condition = anytrue([
      for st in local.key_statements :
      toset(st.actions) == toset(["kms:Decrypt", "kms:GenerateDataKey"])
      && toset(st.principal_arns) == toset(var.key_user_principal_arns) && st.via_service == "s3"
    ])
    error_message = "the bucket key policy does not let the Databricks role decrypt and encrypt through S3"
  }
}

# The shared key module turns those requests into key policy statements: through the service
# named (kms:ViaService in the key's region), and none for a role that is not there.
run "key_policy_statements_go_through_the_service_named" {
  command = apply
  module {
    source = "./modules/kms_key"
  }
  variables {
    description = "test key"
    principal_statements = [
      {
        sid            = "ThroughKinesis"
        actions        = ["kms:Decrypt"]
        principal_arns = ["arn:aws:iam::123456789012:role/consumer"]
        via_service    = "kinesis"
      },
      {
        sid            = "Directly"
        actions        = ["kms:Decrypt", "kms:DescribeKey"]
        principal_arns = ["arn:aws:iam::123456789012:role/reader"]
      },
      {
        sid            = "NobodyYet"
        actions        = ["kms:Decrypt"]
        principal_arns = []
      },
    ]
  }

  assert {
    condition     = [for st in data.aws_iam_policy_document.this.statement : st.sid] == ["AccountAdministers", "ThroughKinesis", "Directly"]
    error_message = "the key policy does not hold exactly the administrators' and the non-empty principal statements (no CloudWatch Logs one without log_group_name)"
  }

  assert {
    condition = anytrue([
      for st in data.aws_iam_policy_document.this.statement :
      st.sid == "ThroughKinesis" && toset(st.actions) == toset(["kms:Decrypt"])
      && one(st.principals).identifiers == toset(["arn:aws:iam::123456789012:role/consumer"])
      && one(st.condition).test == "StringEquals" && one(st.condition).variable == "kms:ViaService"
      && toset(one(st.condition).values) == toset(["kinesis.eu-west-2.amazonaws.com"])
      if length(st.condition) == 1 && length(st.principals) == 1
    ])
    error_message = "via_service does not limit the statement to that service of the key's region"
  }

  assert {
    condition = anytrue([
      for st in data.aws_iam_policy_document.this.statement :
      st.sid == "Directly" && length(st.condition) == 0
    ])
    error_message = "a statement without via_service got a condition"
  }
}

run "key_policy_refuses_a_non_kms_action" {
  command = plan
  module {
    source = "./modules/kms_key"
  }
  variables {
    description = "test key"
    principal_statements = [{
      sid            = "TooMuch"
      actions        = ["s3:GetObject"]
      principal_arns = ["arn:aws:iam::123456789012:role/reader"]
    }]
  }

  expect_failures = [var.principal_statements]
}

# The API's Kinesis role: what the routes need, no CreateStream/DeleteStream unless asked for.
run "api_kinesis_role_cannot_create_or_delete_streams" {
  command = apply
  module {
    source = "./modules/api_gateway"
  }

  assert {
    condition = toset(flatten([
      for st in data.aws_iam_policy_document.kinesis.statement : [for a in st.actions : a if startswith(a, "kinesis:")]
    ])) == toset(["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStream", "kinesis:ListStreams"])
    error_message = "the API's Kinesis role may do more than the routes need (anyone with the API key could delete the live streams)"
  }
}

run "api_stream_admin_routes_are_opt_in" {
  command = apply
  module {
    source = "./modules/api_gateway"
  }
  variables {
    allow_stream_admin = true
  }

  assert {
    condition = anytrue([
      for st in data.aws_iam_policy_document.kinesis.statement :
      toset(st.actions) == toset(["kinesis:CreateStream", "kinesis:DeleteStream"]) && toset(st.resources) == toset(values(var.stream_arns))
    ])
    error_message = "allow_stream_admin must allow CreateStream/DeleteStream on the pipeline's streams only"
  }
}

# aws_api_gateway_account is one setting per account and region: never replaced by default.
run "api_does_not_take_over_the_account_logging_role_by_default" {
  command = apply
  module {
    source = "./modules/api_gateway"
  }

  assert {
    condition     = length(aws_api_gateway_account.this) == 0 && length(aws_iam_role.cloudwatch) == 0
    error_message = "the module sets the region-wide API Gateway CloudWatch role without being asked"
  }
}
