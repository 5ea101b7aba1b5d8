variable "name" {
  type        = string
  description = "Prefix for the names of the network resources (for example `pinterest-<id>`)."
}

variable "vpc_cidr" {
  type        = string
  description = "CIDR block of the VPC; it is split into 16 equal blocks, one per subnet."
  default     = "10.20.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr)) && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be a valid IPv4 CIDR block of size /20 or larger."
  }
}

variable "az_count" {
  type        = number
  description = "Number of availability zones (one private and one public subnet each). MSK brokers are a multiple of it; MWAA needs at least 2."
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 3
    error_message = "az_count must be 2 or 3."
  }
}

variable "availability_zones" {
  type        = list(string)
  description = "Zone names to choose from (the first az_count available ones are used); empty means `<region>a`, `<region>b`, `<region>c`."
  default     = []
}

variable "flow_log_retention_days" {
  type        = number
  description = "Retention of the VPC flow logs in CloudWatch, in days."
  default     = 365

  validation {
    condition     = contains(jsondecode(file("${path.module}/../log_retention_days.json")), var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a retention period CloudWatch Logs accepts, one of ${join(", ", jsondecode(file("${path.module}/../log_retention_days.json")))} (terraform/modules/log_retention_days.json)."
  }
}
