output "environment_name" {
  description = "Name of the MWAA environment."
  value       = aws_mwaa_environment.this.name
}

output "environment_arn" {
  description = "ARN of the MWAA environment."
  value       = aws_mwaa_environment.this.arn
}

output "webserver_url" {
  description = "Private URL of the Airflow UI (reachable from inside the VPC)."
  value       = aws_mwaa_environment.this.webserver_url
}

output "source_bucket" {
  description = "Name of the source (DAG) bucket: DAGs under dags/, requirements.txt at the root."
  value       = module.source_bucket.id
}

output "execution_role_arn" {
  description = "ARN of the environment's execution role."
  value       = aws_iam_role.execution.arn
}

output "secrets_prefix" {
  description = "Secrets Manager prefix of Airflow connections (`<prefix>/connections/<id>`) and Variables (`<prefix>/variables/<key>`)."
  value       = local.secrets_prefix
}

output "security_group_id" {
  description = "The environment's security group (self-referencing; HTTPS out through the NAT gateway)."
  value       = aws_security_group.mwaa.id
}
