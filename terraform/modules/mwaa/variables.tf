variable "name" {
  type        = string
  description = "Name of the MWAA environment (also the prefix of its role, security group and secrets)."

  validation {
    condition     = can(regex("^[a-zA-Z][0-9a-zA-Z_-]{0,79}$", var.name))
    error_message = "name must start with a letter and hold at most 80 letters, digits, '-' or '_'."
  }

  # The source bucket is airflow-<name>-<12-digit account>: S3 allows 63 characters.
  validation {
    condition     = length(var.name) <= 42
    error_message = "name must be at most 42 characters: the source bucket airflow-<name>-<account id> may have 63."
  }
}

variable "airflow_version" {
  type        = string
  description = "Airflow version of the environment; one MWAA supports (the DAG tests pin the same, AIRFLOW_VERSION in the Makefile)."
  default     = "3.3.1"

  validation {
    condition     = contains(["3.3.1", "3.2.1", "3.0.6"], var.airflow_version) || can(regex("^2\\.1[01]\\.[0-9]+$", var.airflow_version))
    error_message = "airflow_version must be one MWAA supports: 3.3.1, 3.2.1, 3.0.6, 2.11.x or 2.10.x."
  }
}

variable "environment_class" {
  type        = string
  description = "MWAA environment class (size of scheduler and workers)."
  default     = "mw1.small"

  validation {
    condition     = contains(["mw1.micro", "mw1.small", "mw1.medium", "mw1.large", "mw1.xlarge", "mw1.2xlarge"], var.environment_class)
    error_message = "environment_class must be mw1.micro, mw1.small, mw1.medium, mw1.large, mw1.xlarge or mw1.2xlarge."
  }
}

variable "max_workers" {
  type        = number
  description = "Most workers the environment scales out to."
  default     = 2

  validation {
    condition     = var.max_workers >= 1 && var.max_workers <= 25
    error_message = "max_workers must be between 1 and 25."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC of the environment."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Two private subnets in different availability zones (MWAA takes exactly two)."

  validation {
    condition     = length(var.subnet_ids) == 2
    error_message = "subnet_ids must hold exactly two private subnets."
  }
}

variable "dags_dir" {
  type        = string
  description = "Local folder whose *.py files are uploaded to dags/ in the source bucket (the repo's dags/)."
}

variable "requirements_path" {
  type        = string
  description = "Local requirements.txt for the workers (with its --constraint line), uploaded as requirements.txt."
}

variable "airflow_variables" {
  type        = map(string)
  description = "Airflow Variables stored as Secrets Manager secrets under `<name>/variables/` (for example pinterest_pipeline_id); not for credentials."
  default     = {}
}

variable "log_level" {
  type        = string
  description = "Level of the five Airflow log streams sent to CloudWatch."
  default     = "INFO"

  validation {
    condition     = contains(["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"], var.log_level)
    error_message = "log_level must be CRITICAL, ERROR, WARNING, INFO or DEBUG."
  }
}

variable "force_destroy" {
  type        = bool
  description = "Let `terraform destroy` delete the source bucket even when it holds objects."
  default     = false
}

variable "webserver_client_security_group_ids" {
  type        = list(string)
  description = "Security groups (a bastion, a Client VPN endpoint, the REST proxy host) whose hosts may open the private Airflow UI on 443; empty = nothing outside MWAA can."
  default     = []

  validation {
    condition     = alltrue([for g in var.webserver_client_security_group_ids : can(regex("^sg-[0-9a-f]+$", g))])
    error_message = "webserver_client_security_group_ids must hold security group ids (sg-...)."
  }
}
