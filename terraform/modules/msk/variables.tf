variable "name" {
  type        = string
  description = "Name of the MSK cluster (also the prefix of its security groups and log group)."

  validation {
    condition     = can(regex("^[a-zA-Z0-9-]{1,64}$", var.name))
    error_message = "name must be 1-64 letters, digits or '-' (MSK cluster name rules)."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC the brokers run in."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets for the brokers, one per availability zone (2 or 3)."

  validation {
    condition     = length(var.subnet_ids) >= 2 && length(var.subnet_ids) <= 3
    error_message = "subnet_ids must hold 2 or 3 subnets in different availability zones."
  }
}

variable "kafka_version" {
  type        = string
  description = "Apache Kafka version of the cluster, as MSK names it (for example 3.8.x, 3.9.x, 4.0.x)."
  default     = "3.8.x"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.([0-9]+|x)(\\.kraft)?$", var.kafka_version))
    error_message = "kafka_version must look like 3.8.x, 3.9.x, 4.0.x or 3.6.0."
  }
}

variable "broker_instance_type" {
  type        = string
  description = "Broker instance type (kafka.t3.small is the cheapest; kafka.m7g.large for real load)."
  default     = "kafka.t3.small"

  validation {
    condition     = startswith(var.broker_instance_type, "kafka.") || startswith(var.broker_instance_type, "express.")
    error_message = "broker_instance_type must be an MSK broker type such as kafka.t3.small or kafka.m7g.large."
  }
}

variable "broker_count" {
  type        = number
  description = "Number of brokers; a multiple of the number of subnets."
  default     = 2

  validation {
    condition     = var.broker_count >= 2
    error_message = "broker_count must be at least 2."
  }
}

variable "broker_volume_gb" {
  type        = number
  description = "EBS storage per broker, in GiB."
  default     = 20

  validation {
    condition     = var.broker_volume_gb >= 1 && var.broker_volume_gb <= 16384
    error_message = "broker_volume_gb must be between 1 and 16384."
  }
}

variable "default_partitions" {
  type        = number
  description = "num.partitions of the cluster configuration (topics the REST proxy host creates use their own count)."
  default     = 3

  validation {
    condition     = var.default_partitions >= 1
    error_message = "default_partitions must be at least 1."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the broker logs in CloudWatch, in days."
  default     = 365

  validation {
    condition     = contains(jsondecode(file("${path.module}/../log_retention_days.json")), var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs accepts, one of ${join(", ", jsondecode(file("${path.module}/../log_retention_days.json")))} (terraform/modules/log_retention_days.json)."
  }
}
