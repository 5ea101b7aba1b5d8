# Every name of the pipeline, derived from one id. This mirrors contracts/names.py; the tests in
# tests/terraform evaluate these locals with terraform and compare them with the Python names.
locals {
  tables = ["pin", "geo", "user"]

  topics  = { for t in local.tables : t => "${var.pipeline_id}.${t}" }
  streams = { for t in local.tables : t => "streaming-${var.pipeline_id}-${t}" }
  bucket  = "user-${var.pipeline_id}-bucket"

  # Python's re.escape escapes "-" (the only special character an id may hold), so do the same.
  topics_regex = "${replace(var.pipeline_id, "-", "\\-")}\\.(pin|geo|user)"

  # Cloud-only names, as the seed README named them.
  prefix    = "pinterest-${var.pipeline_id}"
  plugin    = "${var.pipeline_id}-plugin"
  connector = "${var.pipeline_id}-connector"
  api_stage = "dev"
}
