output "pipeline_id" {
  description = "The pipeline id every name derives from."
  value       = var.pipeline_id
}

output "api_invoke_url" {
  description = "API Gateway invoke URL of the dev stage (API_URL for the emulators)."
  value       = module.api_gateway.invoke_url
}

output "api_key" {
  description = "API key (API_KEY for the emulators, sent as x-api-key): terraform output -raw api_key."
  value       = module.api_gateway.api_key
  sensitive   = true
}

output "data_bucket" {
  description = "The data bucket (DATA_BUCKET): the S3 sink writes topics/ here."
  value       = module.storage.bucket
}

output "topics" {
  description = "Kafka topic per table."
  value       = module.names.topics
}

output "stream_names" {
  description = "Kinesis stream per table."
  value       = module.kinesis.stream_names
}

output "msk_bootstrap_brokers_iam" {
  description = "MSK bootstrap brokers for IAM authentication (port 9098)."
  value       = module.msk.bootstrap_brokers_iam
}

output "msk_connect_connector" {
  description = "Name of the MSK Connect S3 sink connector."
  value       = module.msk_connect.connector_name
}

output "msk_connect_connector_arn" {
  description = "ARN of the MSK Connect S3 sink connector (a new ARN means the connector was replaced)."
  value       = module.msk_connect.connector_arn
}

output "rest_proxy_instance_id" {
  description = "EC2 instance of the REST proxy (`aws ssm start-session --target <id>`)."
  value       = module.rest_proxy.instance_id
}

output "mwaa_environment_name" {
  description = "Name of the MWAA environment."
  value       = module.mwaa.environment_name
}

output "mwaa_dag_bucket" {
  description = "The MWAA source bucket: DAGs under dags/, requirements.txt at the root (make apply uploads them)."
  value       = module.mwaa.source_bucket
}

output "mwaa_webserver_url" {
  description = "Host of the private Airflow UI, reachable from inside the VPC only (see the README: What reaches what)."
  value       = module.mwaa.webserver_url
}

output "mwaa_secrets_prefix" {
  description = "Secrets Manager prefix of the Airflow connections and Variables (create `<prefix>/connections/databricks_default`)."
  value       = module.mwaa.secrets_prefix
}

output "emulator_env" {
  description = "Environment for the emulators and jobs against this deployment (add API_KEY from the api_key output)."
  value = {
    PIPELINE_ID = var.pipeline_id
    API_URL     = module.api_gateway.invoke_url
    DATA_BUCKET = module.storage.bucket
    AWS_REGION  = var.aws_region
  }
}

output "databricks_role_arn" {
  description = "IAM role for the Databricks storage credential and service credential (null unless databricks_access)."
  value       = module.databricks_access.role_arn
}
