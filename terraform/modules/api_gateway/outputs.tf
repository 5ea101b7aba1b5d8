output "invoke_url" {
  description = "Invoke URL of the stage (the emulators' API_URL)."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "api_id" {
  description = "ID of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "api_key" {
  description = "Value of the API key (the emulators' API_KEY, sent as x-api-key)."
  value       = aws_api_gateway_api_key.this.value
  sensitive   = true
}

output "kinesis_role_arn" {
  description = "ARN of the role the Kinesis integrations assume."
  value       = aws_iam_role.kinesis.arn
}

output "vpc_link_id" {
  description = "ID of the VPC link to the REST proxy's NLB (null without vpc_link)."
  value       = one(aws_api_gateway_vpc_link.this[*].id)
}
