# modules/storage's key and alias before the kms_key module.
resource "aws_kms_key" "data" {
  #checkov:skip=CKV2_AWS_64:test fixture: only the state address matters, the mocked provider creates nothing
  description         = "data bucket objects (before the kms_key module)"
  enable_key_rotation = true
}

resource "aws_kms_alias" "data" {
  name          = "alias/user-0a1b2c3d4e5f-bucket"
  target_key_id = aws_kms_key.data.key_id
}
