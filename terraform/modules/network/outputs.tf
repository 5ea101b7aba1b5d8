output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, one per availability zone."
  value       = aws_subnet.private[*].id
}

output "private_route_table_id" {
  description = "ID of the private route table (NAT gateway and S3 endpoint)."
  value       = aws_route_table.private.id
}

output "s3_prefix_list_id" {
  description = "Prefix list of the S3 gateway endpoint: security groups allow HTTPS to it so private hosts reach S3 without the NAT gateway."
  value       = aws_vpc_endpoint.s3.prefix_list_id
}

output "nat_gateway_id" {
  description = "ID of the NAT gateway, the private subnets' default route (package mirrors, AWS APIs, Databricks)."
  value       = aws_nat_gateway.this.id
}
