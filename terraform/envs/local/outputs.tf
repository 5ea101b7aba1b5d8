output "pipeline_id" {
  description = "The pipeline id every name derives from."
  value       = var.pipeline_id
}

output "api_id" {
  description = "ID of the REST API (the pipeline id, through LocalStack's _custom_id_ tag)."
  value       = module.api_gateway.api_id
}

output "api_invoke_url" {
  description = "Invoke URL of the dev stage as LocalStack serves it (API_URL for the emulators)."
  value       = "${coalesce(var.client_endpoint, var.localstack_endpoint)}/_aws/execute-api/${module.api_gateway.api_id}/${module.names.api_stage}"
}

output "api_key" {
  description = "API key (API_KEY for the emulators, sent as x-api-key)."
  value       = module.api_gateway.api_key
  sensitive   = true
}

output "data_bucket" {
  description = "The data bucket (DATA_BUCKET): the S3 sink writes topics/ here."
  value       = module.storage.bucket
}

output "stream_names" {
  description = "Kinesis stream per table."
  value       = module.kinesis.stream_names
}

output "kinesis_role_arn" {
  description = "Role the API's Kinesis integrations assume."
  value       = module.api_gateway.kinesis_role_arn
}
