# The Pinterest data pipeline on AWS: every module below, wired by the names of contracts/names.py.
#   batch:     API Gateway -> VPC link -> REST proxy (EC2) -> MSK -> MSK Connect S3 sink -> S3
#   streaming: API Gateway -> Kinesis
#   schedule:  MWAA runs the batch DAG (Databricks)

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = merge(var.tags, {
      Project    = "pinterest-pipeline"
      PipelineId = var.pipeline_id
    })
  }
}

locals {
  repo_root = "${path.root}/.."
}

module "names" {
  source      = "./modules/names"
  pipeline_id = var.pipeline_id
}

module "network" {
  source                  = "./modules/network"
  name                    = module.names.prefix
  vpc_cidr                = var.vpc_cidr
  az_count                = var.az_count
  flow_log_retention_days = var.log_retention_days
}

module "storage" {
  source                  = "./modules/storage"
  bucket                  = module.names.bucket
  force_destroy           = var.force_destroy
  reader_principal_arns   = var.data_reader_principal_arns
  key_user_principal_arns = module.databricks_access.role_arns
}

module "kinesis" {
  source                  = "./modules/kinesis"
  streams                 = module.names.streams
  on_demand               = var.kinesis_on_demand
  shard_count             = var.kinesis_shard_count
  retention_hours         = var.kinesis_retention_hours
  consumer_principal_arns = module.databricks_access.role_arns
}

# Optional: the role behind Databricks' Unity Catalog storage credential (S3) and service
# credential (Kinesis). README "First deployment" says how the external ids get here.
module "databricks_access" {
  source                 = "./modules/databricks_access"
  enabled                = var.databricks_access
  name                   = "${module.names.prefix}-databricks"
  external_ids           = var.databricks_external_ids
  unity_catalog_role_arn = var.databricks_unity_catalog_role_arn
  bucket_arn             = module.storage.bucket_arn
  bucket_kms_key_arn     = module.storage.kms_key_arn
  stream_arns            = module.kinesis.stream_arns
  streams_kms_key_arn    = module.kinesis.kms_key_arn
}

module "msk" {
  source               = "./modules/msk"
  name                 = module.names.prefix
  vpc_id               = module.network.vpc_id
  subnet_ids           = module.network.private_subnet_ids
  kafka_version        = var.msk_kafka_version
  broker_instance_type = var.msk_broker_instance_type
  broker_count         = var.msk_broker_count
  broker_volume_gb     = var.msk_broker_volume_gb
  default_partitions   = var.topic_partitions
  log_retention_days   = var.log_retention_days
}

module "rest_proxy" {
  source                   = "./modules/rest_proxy"
  name                     = module.names.prefix
  vpc_id                   = module.network.vpc_id
  vpc_cidr                 = module.network.vpc_cidr
  subnet_ids               = module.network.private_subnet_ids
  instance_type            = var.rest_proxy_instance_type
  confluent_version        = var.confluent_version
  msk_iam_auth_version     = var.msk_iam_auth_version
  bootstrap_brokers        = module.msk.bootstrap_brokers_iam
  client_security_group_id = module.msk.client_security_group_id
  cluster_arn              = module.msk.cluster_arn
  topic_arn_prefix         = module.msk.topic_arn_prefix
  topics                   = module.names.topics
  topic_partitions         = var.topic_partitions
  replication_factor       = module.msk.replication_factor
}

module "msk_connect" {
  source                      = "./modules/msk_connect"
  connector_name              = module.names.connector
  plugin_name                 = module.names.plugin
  plugin_zip_path             = var.s3_sink_plugin_zip
  bucket                      = module.storage.bucket
  bucket_arn                  = module.storage.bucket_arn
  bucket_kms_key_arn          = module.storage.kms_key_arn
  vpc_id                      = module.network.vpc_id
  subnet_ids                  = module.network.private_subnet_ids
  broker_security_group_id    = module.msk.broker_security_group_id
  s3_prefix_list_id           = module.network.s3_prefix_list_id
  bootstrap_brokers           = module.msk.bootstrap_brokers_iam
  cluster_arn                 = module.msk.cluster_arn
  topic_arn_prefix            = module.msk.topic_arn_prefix
  group_arn_prefix            = module.msk.group_arn_prefix
  topics                      = module.names.topics
  topics_regex                = module.names.topics_regex
  flush_size                  = var.sink_flush_size
  rotate_schedule_interval_ms = var.sink_rotate_schedule_interval_ms
  tasks_max                   = var.sink_tasks_max
  mcu_count                   = var.mskconnect_mcu_count
  worker_count                = var.mskconnect_worker_count
  kafkaconnect_version        = var.mskconnect_kafkaconnect_version
  log_retention_days          = var.log_retention_days

  # No depends_on on module.rest_proxy (the host that creates the topics): it would defer this
  # module's data sources to apply time whenever the proxy changes, leave the connector's
  # configuration unknown and replace the connector. The sink subscribes by topics.regex, so it
  # picks the topics up whenever the host creates them, from their first offset.
}

module "api_gateway" {
  source                      = "./modules/api_gateway"
  name                        = module.names.prefix
  openapi_template_path       = "${local.repo_root}/contracts/openapi.yaml"
  stage_name                  = module.names.api_stage
  rest_proxy_uri              = module.rest_proxy.uri
  nlb_arn                     = module.rest_proxy.nlb_arn
  stream_arns                 = module.kinesis.stream_arns
  streams_kms_key_arn         = module.kinesis.kms_key_arn
  throttle_rate_limit         = var.api_throttle_rate_limit
  throttle_burst_limit        = var.api_throttle_burst_limit
  manage_account_logging_role = var.api_manage_account_logging_role
  allow_stream_admin          = var.api_stream_admin_routes
  log_retention_days          = var.log_retention_days
}

module "mwaa" {
  source            = "./modules/mwaa"
  name              = "${module.names.prefix}-airflow"
  airflow_version   = var.mwaa_airflow_version
  environment_class = var.mwaa_environment_class
  max_workers       = var.mwaa_max_workers
  vpc_id            = module.network.vpc_id
  subnet_ids        = slice(module.network.private_subnet_ids, 0, 2)
  dags_dir          = "${local.repo_root}/dags"
  requirements_path = var.mwaa_requirements_path
  force_destroy     = var.force_destroy

  # Who may open the private Airflow UI (README, "What reaches what": the ways in).
  webserver_client_security_group_ids = concat(
    var.mwaa_webserver_client_security_group_ids,
    var.mwaa_webserver_via_rest_proxy_host ? [module.rest_proxy.security_group_id] : [],
  )

  # The DAG derives its bucket and table names from this Variable.
  airflow_variables = {
    pinterest_pipeline_id = var.pipeline_id
  }
}
