# An existing deployment keeps its KMS keys across a refactor: apply the key addresses an older
# version of the root held (before_kms_key/), then plan today's root on that same state (state_key).
# A key without its moved block would be destroyed and created anew: its ARN would be unknown in
# the plan and the assertions below could not hold. Terraform >= 1.11 only (state_key); make
# tf-validate runs this directory after the others.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  pipeline_id = "0a1b2c3d4e5f"
  aws_region  = "eu-west-2"
}

run "before_kms_key" {
  state_key = "aws_root"
  module {
    source = "./tests/upgrade/before_kms_key"
  }

  override_resource {
    target = module.kinesis.aws_kms_key.streams
    values = {
      arn = "arn:aws:kms:eu-west-2:123456789012:key/11111111-1111-1111-1111-111111111111"
    }
  }

  override_resource {
    target = module.storage.aws_kms_key.data
    values = {
      arn = "arn:aws:kms:eu-west-2:123456789012:key/22222222-2222-2222-2222-222222222222"
    }
  }
}

run "today_keeps_both_keys" {
  state_key = "aws_root"
  command   = plan

  assert {
    condition     = module.kinesis.kms_key_arn == "arn:aws:kms:eu-west-2:123456789012:key/11111111-1111-1111-1111-111111111111"
    error_message = "the plan replaces the streams' key (a moved block of modules/kinesis is missing)"
  }

  assert {
    condition     = module.storage.kms_key_arn == "arn:aws:kms:eu-west-2:123456789012:key/22222222-2222-2222-2222-222222222222"
    error_message = "the plan replaces the data bucket's key (a moved block of modules/storage is missing)"
  }
}
