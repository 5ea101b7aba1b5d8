output "connector_arn" {
  description = "ARN of the S3 sink connector."
  value       = aws_mskconnect_connector.s3_sink.arn
}

output "connector_name" {
  description = "Name of the S3 sink connector."
  value       = aws_mskconnect_connector.s3_sink.name
}

output "custom_plugin_arn" {
  description = "ARN of the Confluent S3 sink custom plugin."
  value       = aws_mskconnect_custom_plugin.s3_sink.arn
}

output "execution_role_arn" {
  description = "ARN of the connector's service execution role."
  value       = aws_iam_role.connector.arn
}

output "connector_configuration" {
  description = "The connector configuration (the same properties docker-compose and the devstack sink use)."
  value       = local.connector_configuration
}

output "security_group_id" {
  description = "The workers' security group (9098 to the brokers, 443 to the S3 endpoint)."
  value       = aws_security_group.workers.id
}
