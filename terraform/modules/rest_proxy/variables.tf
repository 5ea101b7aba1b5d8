variable "name" {
  type        = string
  description = "Prefix for the names of the REST proxy resources (for example `pinterest-<id>`)."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the REST proxy host and its load balancer."
}

variable "vpc_cidr" {
  type        = string
  description = "CIDR block of the VPC; hosts in it may call the load balancer directly."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets: the host runs in the first, the internal load balancer spans all."

  validation {
    condition     = length(var.subnet_ids) >= 1
    error_message = "subnet_ids must hold at least one private subnet."
  }
}

variable "instance_type" {
  type        = string
  description = "EC2 instance type of the REST proxy host (x86_64; the JVM wants 2 GiB or more)."
  default     = "t3.small"
}

variable "root_volume_gb" {
  type        = number
  description = "Size of the encrypted root volume, in GiB."
  default     = 20

  validation {
    condition     = var.root_volume_gb >= 8
    error_message = "root_volume_gb must be at least 8."
  }
}

variable "port" {
  type        = number
  description = "Port the REST proxy listens on (behind the load balancer too)."
  default     = 8082

  validation {
    condition     = var.port > 1024 && var.port < 65536
    error_message = "port must be an unprivileged TCP port (1025-65535)."
  }
}

variable "confluent_version" {
  type        = string
  description = "Confluent Platform (community) version whose Kafka REST proxy the host installs."
  default     = "7.9.1"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.confluent_version))
    error_message = "confluent_version must be a full version such as 7.9.1."
  }
}

variable "confluent_key_fingerprint" {
  type        = string
  description = "OpenPGP fingerprint of Confluent's package signing key: the host refuses the repository's key unless it is exactly this one, then dnf checks every package's signature with it."
  default     = "CBBB821E8FAF364F79835C438B1DA6120C2BF624"

  validation {
    condition     = can(regex("^[0-9A-F]{40}$", var.confluent_key_fingerprint))
    error_message = "confluent_key_fingerprint must be 40 upper-case hex digits (gpg --with-colons prints it so)."
  }
}

variable "msk_iam_auth_version" {
  type        = string
  description = "Version of software.amazon.msk:aws-msk-iam-auth (its -all jar from Maven Central)."
  default     = "2.3.2"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.msk_iam_auth_version))
    error_message = "msk_iam_auth_version must be a full version such as 2.3.2."
  }
}

variable "msk_iam_auth_sha256" {
  type        = string
  description = "SHA-256 of `aws-msk-iam-auth-<msk_iam_auth_version>-all.jar` (Maven Central publishes it as .sha256); the host refuses any other file. Change it with the version."
  default     = "746f7a331eb02fd92fcad43935a97ce3d219e5f8a97a643012b2bb14c9020011"

  validation {
    condition     = can(regex("^[0-9a-f]{64}$", var.msk_iam_auth_sha256))
    error_message = "msk_iam_auth_sha256 must be 64 lower-case hex digits."
  }
}

variable "bootstrap_brokers" {
  type        = string
  description = "MSK bootstrap brokers for IAM authentication (host:9098,...)."
}

variable "client_security_group_id" {
  type        = string
  description = "The MSK module's client security group, which may reach the brokers."
}

variable "cluster_arn" {
  type        = string
  description = "ARN of the MSK cluster (IAM kafka-cluster:Connect)."
}

variable "topic_arn_prefix" {
  type        = string
  description = "The MSK module's topic ARN prefix; the policy appends each topic name."
}

variable "topics" {
  type        = map(string)
  description = "Topic per table (`<id>.<table>`, from the names module): created at boot and writable."

  validation {
    condition     = length(var.topics) > 0 && alltrue([for t in values(var.topics) : can(regex("^[a-zA-Z0-9._-]{1,249}$", t))])
    error_message = "topics must map tables to valid Kafka topic names."
  }
}

variable "topic_partitions" {
  type        = number
  description = "Partitions of each topic created at boot."
  default     = 3

  validation {
    condition     = var.topic_partitions >= 1
    error_message = "topic_partitions must be at least 1."
  }
}

variable "replication_factor" {
  type        = number
  description = "Replication factor of each topic created at boot (the MSK module's output)."
}

variable "enable_ssm" {
  type        = bool
  description = "Attach AmazonSSMManagedInstanceCore so operators can open a shell with Session Manager (there is no SSH)."
  default     = true
}
