output "role_arns" {
  description = "ARN of the role in a list (empty when disabled): the IAM role of the Databricks storage credential and service credential."
  value       = aws_iam_role.this[*].arn
}

output "role_arn" {
  description = "ARN of the role (null when disabled)."
  value       = one(aws_iam_role.this[*].arn)
}
