# modules/kinesis's key before the kms_key module: optional, so counted.
resource "aws_kms_key" "streams" {
  #checkov:skip=CKV2_AWS_64:test fixture: only the state address matters, the mocked provider creates nothing
  count               = 1
  description         = "Kinesis streams (before the kms_key module)"
  enable_key_rotation = true
}
