# The two keys as the AWS root held them before kinesis and storage took theirs from the kms_key
# module: the same module and resource addresses, nothing else (keys_survive.tftest.hcl).

module "kinesis" {
  source = "./kinesis"
}

module "storage" {
  source = "./storage"
}
