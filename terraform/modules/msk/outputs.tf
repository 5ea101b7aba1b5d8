output "cluster_arn" {
  description = "ARN of the MSK cluster."
  value       = aws_msk_cluster.this.arn
}

output "cluster_name" {
  description = "Name of the MSK cluster."
  value       = aws_msk_cluster.this.cluster_name
}

output "bootstrap_brokers_iam" {
  description = "Bootstrap brokers for IAM authentication over TLS (host:9098,...)."
  value       = aws_msk_cluster.this.bootstrap_brokers_sasl_iam
}

output "client_security_group_id" {
  description = "Security group a Kafka client joins to reach the brokers on 9098."
  value       = aws_security_group.clients.id
}

output "topic_arn_prefix" {
  description = "Prefix of this cluster's topic ARNs; append `/<topic>` (IAM kafka-cluster:*Topic* and *Data actions)."
  value       = "${local.arn_head}:topic/${aws_msk_cluster.this.cluster_name}/${aws_msk_cluster.this.cluster_uuid}"
}

output "group_arn_prefix" {
  description = "Prefix of this cluster's consumer group ARNs; append `/<group>`."
  value       = "${local.arn_head}:group/${aws_msk_cluster.this.cluster_name}/${aws_msk_cluster.this.cluster_uuid}"
}

output "replication_factor" {
  description = "Replication factor for topics on this cluster (min(3, brokers))."
  value       = local.replication_factor
}

output "min_insync_replicas" {
  description = "min.insync.replicas of the cluster configuration."
  value       = local.min_insync_replicas
}

output "broker_security_group_id" {
  description = "Security group of the brokers; a client with its own group adds an ingress rule on 9098 here (MSK Connect does)."
  value       = aws_security_group.brokers.id
}
