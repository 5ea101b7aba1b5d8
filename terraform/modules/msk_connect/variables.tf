variable "connector_name" {
  type        = string
  description = "Name of the connector (`<id>-connector`, from the names module); its consumer group is `connect-<name>`."
}

variable "plugin_name" {
  type        = string
  description = "Name of the custom plugin (`<id>-plugin`, from the names module)."
}

variable "plugin_zip_path" {
  type        = string
  description = "Local path of the Confluent S3 sink connector zip (`confluentinc-kafka-connect-s3-<version>.zip` from Confluent Hub)."

  validation {
    condition     = endswith(var.plugin_zip_path, ".zip") && fileexists(var.plugin_zip_path)
    error_message = "plugin_zip_path must name an existing .zip: download confluentinc-kafka-connect-s3 from Confluent Hub (make s3-sink-plugin)."
  }
}

variable "bucket" {
  type        = string
  description = "The data bucket: the connector writes topics/... into it and the plugin zip is stored under plugins/."
}

variable "bucket_arn" {
  type        = string
  description = "ARN of the data bucket."
}

variable "bucket_kms_key_arn" {
  type        = string
  description = "ARN of the KMS key of the data bucket."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets for the connector's workers."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the workers (their security group lives here)."
}

variable "broker_security_group_id" {
  type        = string
  description = "The MSK module's broker security group: the module opens 9098 on it for the workers."
}

variable "s3_prefix_list_id" {
  type        = string
  description = "Prefix list of the VPC's S3 gateway endpoint (the network module's output): the workers' HTTPS path to S3."

  validation {
    condition     = can(regex("^pl-[0-9a-f]+$", var.s3_prefix_list_id))
    error_message = "s3_prefix_list_id must be a prefix list id (pl-...), the S3 gateway endpoint's."
  }
}

variable "bootstrap_brokers" {
  type        = string
  description = "MSK bootstrap brokers for IAM authentication (host:9098,...)."
}

variable "cluster_arn" {
  type        = string
  description = "ARN of the MSK cluster."
}

variable "topic_arn_prefix" {
  type        = string
  description = "The MSK module's topic ARN prefix."
}

variable "group_arn_prefix" {
  type        = string
  description = "The MSK module's consumer group ARN prefix."
}

variable "topics" {
  type        = map(string)
  description = "Topic per table (from the names module): the only topics the connector may read."
}

variable "topics_regex" {
  type        = string
  description = "The connector's topics.regex (from the names module): exactly the pipeline's topics."
}

variable "flush_size" {
  type        = number
  description = "Records per S3 object (flush.size)."
  default     = 500

  validation {
    condition     = var.flush_size >= 1
    error_message = "flush_size must be at least 1."
  }
}

variable "rotate_schedule_interval_ms" {
  type        = number
  description = "Wall-clock interval that also closes an object (rotate.schedule.interval.ms; DefaultPartitioner ignores rotate.interval.ms); -1 disables it."
  default     = 60000

  validation {
    condition     = var.rotate_schedule_interval_ms == -1 || var.rotate_schedule_interval_ms >= 1000
    error_message = "rotate_schedule_interval_ms must be -1 (off) or at least 1000."
  }
}

variable "tasks_max" {
  type        = number
  description = "Maximum number of connector tasks (tasks.max); more than the partitions of all topics is useless."
  default     = 3

  validation {
    condition     = var.tasks_max >= 1
    error_message = "tasks_max must be at least 1."
  }
}

variable "kafkaconnect_version" {
  type        = string
  description = "Kafka Connect version MSK Connect runs the connector on: 3.7.x (newest) or 2.7.1. A change replaces the connector."
  default     = "3.7.x"

  validation {
    condition     = contains(["3.7.x", "2.7.1"], var.kafkaconnect_version)
    error_message = "kafkaconnect_version must be one MSK Connect runs: 3.7.x or 2.7.1."
  }
}

variable "mcu_count" {
  type        = number
  description = "MSK Connect units (MCU) per worker: 1, 2, 4 or 8."
  default     = 1

  validation {
    condition     = contains([1, 2, 4, 8], var.mcu_count)
    error_message = "mcu_count must be 1, 2, 4 or 8."
  }
}

variable "worker_count" {
  type        = number
  description = "Number of workers (provisioned capacity)."
  default     = 1

  validation {
    condition     = var.worker_count >= 1 && var.worker_count <= 10
    error_message = "worker_count must be between 1 and 10."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the connector's worker logs in CloudWatch, in days."
  default     = 365

  validation {
    condition     = contains(jsondecode(file("${path.module}/../log_retention_days.json")), var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs accepts, one of ${join(", ", jsondecode(file("${path.module}/../log_retention_days.json")))} (terraform/modules/log_retention_days.json)."
  }
}
