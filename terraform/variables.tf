# ---- identity and region -------------------------------------------------------------------

variable "pipeline_id" {
  type        = string
  description = "The identifier every name derives from (PIPELINE_ID); pick your own, bucket names are global."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{2,30}[a-z0-9]$", var.pipeline_id))
    error_message = "pipeline_id must be 4-32 characters of lowercase letters, digits and '-', starting and ending with a letter or digit."
  }

  # contracts/names.py allows 32, but in the cloud the MWAA bucket airflow-pinterest-<id>-airflow-
  # <account id> must fit S3's 63 characters.
  validation {
    condition     = length(var.pipeline_id) <= 24
    error_message = "pipeline_id must be at most 24 characters on AWS: the MWAA bucket airflow-pinterest-<id>-airflow-<account id> may have 63."
  }
}

variable "aws_region" {
  type        = string
  description = "AWS region of the whole pipeline."
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "aws_region must be a region name such as us-east-1."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags for every resource (Project and PipelineId are always set)."
  default     = {}
}

variable "log_retention_days" {
  type        = number
  description = "Retention of every CloudWatch log group the configuration creates (flow, broker, connector, access logs), in days."
  default     = 365

  # The one list of the values CloudWatch Logs accepts; every module that creates a log group checks it too.
  validation {
    condition     = contains(jsondecode(file("${path.module}/modules/log_retention_days.json")), var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs accepts, one of ${join(", ", jsondecode(file("${path.module}/modules/log_retention_days.json")))} (terraform/modules/log_retention_days.json)."
  }
}

variable "force_destroy" {
  type        = bool
  description = "Let `make destroy` delete the data and DAG buckets even when they hold objects."
  default     = false
}

# ---- network -------------------------------------------------------------------------------

variable "vpc_cidr" {
  type        = string
  description = "CIDR block of the pipeline's VPC."
  default     = "10.20.0.0/16"
}

variable "az_count" {
  type        = number
  description = "Availability zones used (2 or 3); MSK brokers are a multiple of it."
  default     = 2
}

# ---- data bucket ---------------------------------------------------------------------------

variable "data_reader_principal_arns" {
  type        = list(string)
  description = "IAM roles (for example the Databricks instance profile role) allowed to read the data bucket."
  default     = []
}

# ---- MSK and the REST proxy ----------------------------------------------------------------

variable "msk_kafka_version" {
  type        = string
  description = "Kafka version of the MSK cluster."
  default     = "3.8.x"
}

variable "msk_broker_instance_type" {
  type        = string
  description = "MSK broker instance type."
  default     = "kafka.t3.small"
}

variable "msk_broker_count" {
  type        = number
  description = "Number of MSK brokers (a multiple of az_count)."
  default     = 2
}

variable "msk_broker_volume_gb" {
  type        = number
  description = "EBS storage per broker, in GiB."
  default     = 20
}

variable "topic_partitions" {
  type        = number
  description = "Partitions of each topic (`<id>.pin`, .geo, .user)."
  default     = 3
}

variable "rest_proxy_instance_type" {
  type        = string
  description = "EC2 instance type of the Kafka REST proxy host."
  default     = "t3.small"
}

variable "confluent_version" {
  type        = string
  description = "Confluent Platform version of the REST proxy (docker-compose uses the same)."
  default     = "7.9.1"
}

variable "msk_iam_auth_version" {
  type        = string
  description = "Version of aws-msk-iam-auth on the REST proxy host."
  default     = "2.3.2"
}

# ---- MSK Connect (S3 sink) -----------------------------------------------------------------

variable "s3_sink_plugin_zip" {
  type        = string
  description = "Path of the Confluent S3 sink zip from Confluent Hub (relative paths start in terraform/); make plan/apply download it and pass it as TF_VAR_s3_sink_plugin_zip."
}

variable "sink_flush_size" {
  type        = number
  description = "Records per S3 object (flush.size)."
  default     = 500
}

variable "sink_rotate_schedule_interval_ms" {
  type        = number
  description = "Wall-clock interval that also closes S3 objects (rotate.schedule.interval.ms); -1 = off."
  default     = 60000
}

variable "sink_tasks_max" {
  type        = number
  description = "Tasks of the S3 sink connector."
  default     = 3
}

variable "mskconnect_mcu_count" {
  type        = number
  description = "MSK Connect units per worker (1, 2, 4, 8)."
  default     = 1
}

variable "mskconnect_kafkaconnect_version" {
  type        = string
  description = "Kafka Connect version of the S3 sink connector on MSK Connect (3.7.x or 2.7.1); a change replaces the connector."
  default     = "3.7.x"
}

variable "mskconnect_worker_count" {
  type        = number
  description = "MSK Connect workers."
  default     = 1
}

# ---- Kinesis -------------------------------------------------------------------------------

variable "kinesis_on_demand" {
  type        = bool
  description = "On-demand streams instead of provisioned shards."
  default     = false
}

variable "kinesis_shard_count" {
  type        = number
  description = "Shards per stream when not on-demand."
  default     = 1
}

variable "kinesis_retention_hours" {
  type        = number
  description = "Retention of the streams, in hours."
  default     = 24
}

# ---- API Gateway ---------------------------------------------------------------------------

variable "api_throttle_rate_limit" {
  type        = number
  description = "Requests per second allowed for the API key."
  default     = 200
}

variable "api_throttle_burst_limit" {
  type        = number
  description = "Request burst allowed for the API key."
  default     = 400
}

variable "api_manage_account_logging_role" {
  type        = bool
  description = "Set the region-wide API Gateway CloudWatch role, replacing any other (README \"First deployment\"): turn on only when `aws apigateway get-account` shows no cloudwatchRoleArn."
  default     = false
}

variable "api_stream_admin_routes" {
  type        = bool
  description = "Let POST/DELETE /streams/{stream-name} create and delete the pipeline's streams; off, they answer 400 and only the read and put routes work."
  default     = false
}

# ---- MWAA ----------------------------------------------------------------------------------

variable "mwaa_airflow_version" {
  type        = string
  description = "Airflow version of the MWAA environment (the DAG tests pin the same, AIRFLOW_VERSION in the Makefile)."
  default     = "3.3.1"
}

variable "mwaa_environment_class" {
  type        = string
  description = "MWAA environment class."
  default     = "mw1.small"
}

variable "mwaa_max_workers" {
  type        = number
  description = "Most MWAA workers."
  default     = 2
}

variable "mwaa_webserver_client_security_group_ids" {
  type        = list(string)
  description = "Security groups (a bastion, a Client VPN endpoint) whose hosts may open the private Airflow UI on 443."
  default     = []
}

variable "mwaa_webserver_via_rest_proxy_host" {
  type        = bool
  description = "Let the REST proxy host reach the private Airflow UI, so a Session Manager port forward through it opens the UI (README)."
  default     = false
}

variable "mwaa_requirements_path" {
  type        = string
  description = "requirements.txt uploaded for the MWAA workers (relative to terraform/)."
  default     = "../dags/requirements.txt"
}

# ---- Databricks (optional) -----------------------------------------------------------------

variable "databricks_access" {
  type        = bool
  description = "Create the IAM role for Databricks' Unity Catalog storage credential and service credential (modules/databricks_access)."
  default     = false
}

variable "databricks_external_ids" {
  type        = list(string)
  description = "External ids Databricks shows for the storage credential and the service credential using the role; 0000 (Databricks' placeholder) until they exist."
  default     = ["0000"]
}

variable "databricks_unity_catalog_role_arn" {
  type        = string
  description = "Databricks' Unity Catalog master role that assumes the role; empty = the one Databricks documents for the partition."
  default     = ""
}
