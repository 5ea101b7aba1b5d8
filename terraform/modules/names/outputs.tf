output "pipeline_id" {
  description = "The pipeline id the names derive from."
  value       = var.pipeline_id
}

output "tables" {
  description = "The three event tables, in posting order."
  value       = local.tables
}

output "topics" {
  description = "Kafka topic per table: `<id>.<table>`."
  value       = local.topics
}

output "streams" {
  description = "Kinesis stream per table: `streaming-<id>-<table>`."
  value       = local.streams
}

output "bucket" {
  description = "The data bucket: `user-<id>-bucket`."
  value       = local.bucket
}

output "topics_regex" {
  description = "The S3 sink's topics.regex: exactly this pipeline's three topics."
  value       = local.topics_regex
}

output "prefix" {
  description = "Prefix for cloud-only resource names (roles, security groups, logs)."
  value       = local.prefix
}

output "plugin" {
  description = "MSK Connect custom plugin name (`<id>-plugin`, as in the seed)."
  value       = local.plugin
}

output "connector" {
  description = "MSK Connect connector name (`<id>-connector`, as in the seed)."
  value       = local.connector
}

output "api_stage" {
  description = "API Gateway stage name (contracts.names.API_STAGE)."
  value       = local.api_stage
}
