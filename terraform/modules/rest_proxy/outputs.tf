output "uri" {
  description = "Base URL of the REST proxy behind the load balancer (the OpenAPI rest_proxy_uri)."
  value       = "http://${aws_lb.this.dns_name}:${var.port}"
}

output "nlb_arn" {
  description = "ARN of the internal NLB (the API Gateway VPC link target)."
  value       = aws_lb.this.arn
}

output "instance_id" {
  description = "ID of the REST proxy host (for Session Manager)."
  value       = aws_instance.this.id
}

output "role_arn" {
  description = "ARN of the host's IAM role."
  value       = aws_iam_role.this.arn
}

output "security_group_id" {
  description = "Security group of the REST proxy host (for example a client of the private Airflow UI)."
  value       = aws_security_group.proxy.id
}
