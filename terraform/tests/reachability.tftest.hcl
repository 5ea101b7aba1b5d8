# Every network path a component needs (README "Deploy to AWS": what reaches what), one run per
# module, applied against a mocked AWS provider (make tf-check, offline). Terraform removes AWS's
# allow-all egress from every security group it manages, so a path exists only if a rule below
# says so; root.tftest.hcl checks that the root wires the modules' groups to each other.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-2"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_availability_zones" {
    defaults = {
      names = ["eu-west-2a", "eu-west-2b", "eu-west-2c"]
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:eu-west-2:123456789012:key/00000000-0000-0000-0000-000000000000"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/mock"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-2:123456789012:log-group:mock"
    }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::mock"
    }
  }
  mock_resource "aws_msk_configuration" {
    defaults = {
      arn = "arn:aws:kafka:eu-west-2:123456789012:configuration/mock/0"
    }
  }
  mock_resource "aws_mskconnect_custom_plugin" {
    defaults = {
      arn = "arn:aws:kafkaconnect:eu-west-2:123456789012:custom-plugin/mock/0"
    }
  }
  mock_resource "aws_lb" {
    defaults = {
      arn      = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/net/mock/0"
      dns_name = "mock-rest.elb.eu-west-2.amazonaws.com"
    }
  }
  mock_resource "aws_lb_target_group" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/mock/0"
    }
  }
  mock_resource "aws_vpc_endpoint" {
    defaults = {
      prefix_list_id = "pl-0123456789abcdef0"
    }
  }
}

variables {
  name       = "pinterest-0a1b2c3d4e5f"
  vpc_id     = "vpc-0123456789abcdef0"
  vpc_cidr   = "10.20.0.0/16"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  # msk_connect (plugin_zip_path comes from TF_VAR_plugin_zip_path: make tf-check passes an empty zip)
  connector_name     = "0a1b2c3d4e5f-connector"
  plugin_name        = "0a1b2c3d4e5f-plugin"
  bucket             = "user-0a1b2c3d4e5f-bucket"
  bucket_arn         = "arn:aws:s3:::user-0a1b2c3d4e5f-bucket"
  bucket_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/11111111-1111-1111-1111-111111111111"
  group_arn_prefix   = "arn:aws:kafka:eu-west-2:123456789012:group/pinterest-0a1b2c3d4e5f/uuid"
  topics_regex       = "0a1b2c3d4e5f\\.(pin|geo|user)"
  # rest_proxy (and msk_connect)
  bootstrap_brokers        = "b-1.mock.kafka.eu-west-2.amazonaws.com:9098"
  client_security_group_id = "sg-0c0c0c0c0c0c0c0c0"
  cluster_arn              = "arn:aws:kafka:eu-west-2:123456789012:cluster/pinterest-0a1b2c3d4e5f/uuid"
  topic_arn_prefix         = "arn:aws:kafka:eu-west-2:123456789012:topic/pinterest-0a1b2c3d4e5f/uuid"
  topics                   = { pin = "0a1b2c3d4e5f.pin", geo = "0a1b2c3d4e5f.geo", user = "0a1b2c3d4e5f.user" }
  replication_factor       = 2
  # api_gateway
  openapi_template_path = "../contracts/openapi.yaml"
  rest_proxy_uri        = "http://mock-rest.elb.eu-west-2.amazonaws.com:8082"
  nlb_arn               = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/net/mock/0"
  stream_arns = {
    pin  = "arn:aws:kinesis:eu-west-2:123456789012:stream/streaming-0a1b2c3d4e5f-pin"
    geo  = "arn:aws:kinesis:eu-west-2:123456789012:stream/streaming-0a1b2c3d4e5f-geo"
    user = "arn:aws:kinesis:eu-west-2:123456789012:stream/streaming-0a1b2c3d4e5f-user"
  }
  streams_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/22222222-2222-2222-2222-222222222222"
  # mwaa
  dags_dir          = "../dags"
  requirements_path = "../dags/requirements.txt"
}

# Private hosts (REST proxy, MWAA) reach the internet and AWS APIs through the NAT gateway, and S3
# through the gateway endpoint on the same route table.
run "private_subnets_route_out_through_nat_and_the_s3_endpoint" {
  command = apply
  module {
    source = "./modules/network"
  }

  assert {
    condition = anytrue([
      for r in aws_route_table.private.route : r.cidr_block == "0.0.0.0/0" && r.nat_gateway_id == aws_nat_gateway.this.id
    ])
    error_message = "the private route table has no default route through the NAT gateway"
  }

  assert {
    condition     = toset(aws_route_table_association.private[*].subnet_id) == toset(aws_subnet.private[*].id) && alltrue([for a in aws_route_table_association.private : a.route_table_id == aws_route_table.private.id])
    error_message = "not every private subnet uses the private route table"
  }

  assert {
    condition     = aws_vpc_endpoint.s3.vpc_endpoint_type == "Gateway" && contains(tolist(aws_vpc_endpoint.s3.route_table_ids), aws_route_table.private.id)
    error_message = "the S3 gateway endpoint is not on the private route table"
  }

  assert {
    condition     = output.s3_prefix_list_id == aws_vpc_endpoint.s3.prefix_list_id
    error_message = "the network module does not give the S3 endpoint's prefix list to the security groups"
  }
}

# The REST proxy host (clients group) reaches the brokers on 9098.
run "brokers_accept_kafka_clients_on_9098" {
  command = apply
  module {
    source = "./modules/msk"
  }

  assert {
    condition     = toset(aws_msk_cluster.this.broker_node_group_info[0].security_groups) == toset([aws_security_group.brokers.id])
    error_message = "the brokers do not run in the brokers group"
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.brokers_from_clients.security_group_id == aws_security_group.brokers.id
      && aws_vpc_security_group_ingress_rule.brokers_from_clients.referenced_security_group_id == aws_security_group.clients.id
      && aws_vpc_security_group_ingress_rule.brokers_from_clients.from_port == 9098
      && aws_vpc_security_group_ingress_rule.brokers_from_clients.to_port == 9098
    )
    error_message = "the brokers do not accept the clients group on 9098"
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.clients_to_brokers.security_group_id == aws_security_group.clients.id
      && aws_vpc_security_group_egress_rule.clients_to_brokers.referenced_security_group_id == aws_security_group.brokers.id
      && aws_vpc_security_group_egress_rule.clients_to_brokers.from_port == 9098
    )
    error_message = "the clients group may not send to the brokers on 9098"
  }

  assert {
    condition     = output.broker_security_group_id == aws_security_group.brokers.id
    error_message = "the msk module does not expose the brokers group"
  }
}

# MSK Connect workers: their own group, 9098 to the brokers (both directions' rules) and 443 to S3.
run "connector_workers_reach_the_brokers_and_s3" {
  command = apply
  module {
    source = "./modules/msk_connect"
  }
  variables {
    broker_security_group_id = "sg-0b0b0b0b0b0b0b0b0"
    s3_prefix_list_id        = "pl-0123456789abcdef0"
  }

  assert {
    condition     = toset(aws_mskconnect_connector.s3_sink.kafka_cluster[0].apache_kafka_cluster[0].vpc[0].security_groups) == toset([aws_security_group.workers.id])
    error_message = "the connector's workers do not run in their own security group"
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.workers_to_brokers.security_group_id == aws_security_group.workers.id
      && aws_vpc_security_group_egress_rule.workers_to_brokers.referenced_security_group_id == "sg-0b0b0b0b0b0b0b0b0"
      && aws_vpc_security_group_egress_rule.workers_to_brokers.ip_protocol == "tcp"
      && aws_vpc_security_group_egress_rule.workers_to_brokers.from_port == 9098
      && aws_vpc_security_group_egress_rule.workers_to_brokers.to_port == 9098
    )
    error_message = "the workers may not send to the brokers on 9098"
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.brokers_from_workers.security_group_id == "sg-0b0b0b0b0b0b0b0b0"
      && aws_vpc_security_group_ingress_rule.brokers_from_workers.referenced_security_group_id == aws_security_group.workers.id
      && aws_vpc_security_group_ingress_rule.brokers_from_workers.from_port == 9098
    )
    error_message = "the brokers do not accept the workers on 9098"
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.workers_to_s3.security_group_id == aws_security_group.workers.id
      && aws_vpc_security_group_egress_rule.workers_to_s3.prefix_list_id == "pl-0123456789abcdef0"
      && aws_vpc_security_group_egress_rule.workers_to_s3.ip_protocol == "tcp"
      && aws_vpc_security_group_egress_rule.workers_to_s3.from_port == 443
      && aws_vpc_security_group_egress_rule.workers_to_s3.to_port == 443
    )
    error_message = "the workers may not reach S3 (HTTPS to the gateway endpoint's prefix list): nothing would land"
  }
}


# NLB -> host on 8082 (traffic and health checks), VPC -> NLB, host -> brokers and HTTPS out.
run "rest_proxy_paths" {
  command = apply
  module {
    source = "./modules/rest_proxy"
  }

  assert {
    condition     = toset(aws_instance.this.vpc_security_group_ids) == toset([aws_security_group.proxy.id, "sg-0c0c0c0c0c0c0c0c0"])
    error_message = "the host is not in its own group and the MSK clients group (9098 to the brokers)"
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.proxy_https.security_group_id == aws_security_group.proxy.id
      && aws_vpc_security_group_egress_rule.proxy_https.cidr_ipv4 == "0.0.0.0/0"
      && aws_vpc_security_group_egress_rule.proxy_https.from_port == 443
      && aws_vpc_security_group_egress_rule.proxy_https.to_port == 443
    )
    error_message = "the host cannot download its packages or reach AWS APIs (HTTPS through the NAT gateway)"
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.nlb_to_proxy.security_group_id == aws_security_group.nlb.id
      && aws_vpc_security_group_egress_rule.nlb_to_proxy.referenced_security_group_id == aws_security_group.proxy.id
      && aws_vpc_security_group_egress_rule.nlb_to_proxy.from_port == 8082
      && aws_vpc_security_group_ingress_rule.proxy_from_nlb.security_group_id == aws_security_group.proxy.id
      && aws_vpc_security_group_ingress_rule.proxy_from_nlb.referenced_security_group_id == aws_security_group.nlb.id
      && aws_vpc_security_group_ingress_rule.proxy_from_nlb.from_port == 8082
    )
    error_message = "the NLB cannot forward to (or health-check) the host on 8082"
  }

  assert {
    condition     = aws_lb_target_group.this.port == 8082 && aws_lb_target_group.this.health_check[0].port == "traffic-port"
    error_message = "the NLB's target group does not send traffic and health checks to 8082"
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.nlb_from_vpc.security_group_id == aws_security_group.nlb.id
      && aws_vpc_security_group_ingress_rule.nlb_from_vpc.cidr_ipv4 == "10.20.0.0/16"
      && aws_vpc_security_group_ingress_rule.nlb_from_vpc.from_port == 8082
    )
    error_message = "hosts in the VPC cannot call the NLB on 8082"
  }

  assert {
    condition     = aws_lb.this.internal && toset(aws_lb.this.security_groups) == toset([aws_security_group.nlb.id]) && aws_lb.this.enforce_security_group_inbound_rules_on_private_link_traffic == "off"
    error_message = "API Gateway's VPC link (PrivateLink, whose source is not in the VPC) cannot reach the internal NLB"
  }

  assert {
    condition     = output.security_group_id == aws_security_group.proxy.id
    error_message = "the rest_proxy module does not expose the host's group"
  }
}


# API Gateway reaches the REST proxy through a VPC link to the NLB (Kinesis is an AWS service
# integration: IAM, no network path).
run "api_gateway_reaches_the_proxy_through_the_vpc_link" {
  command = apply
  module {
    source = "./modules/api_gateway"
  }

  assert {
    condition     = length(aws_api_gateway_vpc_link.this[0].target_arns) == 1 && aws_api_gateway_vpc_link.this[0].target_arns[0] == var.nlb_arn
    error_message = "the VPC link does not target the REST proxy's NLB"
  }

  assert {
    condition = (
      strcontains(aws_api_gateway_rest_api.this.body, "connectionType: \"VPC_LINK\"")
      && strcontains(aws_api_gateway_rest_api.this.body, "connectionId: \"${aws_api_gateway_vpc_link.this[0].id}\"")
      && strcontains(aws_api_gateway_rest_api.this.body, "uri: \"http://mock-rest.elb.eu-west-2.amazonaws.com:8082/{proxy}\"")
    )
    error_message = "the {proxy+} integration does not go through the VPC link to the NLB"
  }
}


# Without a REST proxy (examples/minimal) the API has no way into a VPC and no batch route: only
# the contract's /streams routes, unchanged.
run "api_gateway_without_a_rest_proxy_serves_only_the_streams" {
  command = apply
  module {
    source = "./modules/api_gateway"
  }
  variables {
    rest_proxy_uri = null
    nlb_arn        = null
  }

  assert {
    condition     = length(aws_api_gateway_vpc_link.this) == 0
    error_message = "a streams-only API made a VPC link"
  }

  assert {
    condition = keys(jsondecode(aws_api_gateway_rest_api.this.body).paths) == [
      "/streams", "/streams/{stream-name}", "/streams/{stream-name}/record", "/streams/{stream-name}/records",
    ]
    error_message = "a streams-only API does not serve exactly the contract's /streams routes"
  }

  assert {
    condition     = jsondecode(aws_api_gateway_rest_api.this.body).paths["/streams/{stream-name}/record"] == yamldecode(local.rendered).paths["/streams/{stream-name}/record"]
    error_message = "a streams-only API changed a /streams route of the contract"
  }
}


# MWAA: its components and metadata database share the group (self rules); AWS APIs and the
# Databricks workspace over HTTPS through the NAT gateway.
run "mwaa_reaches_itself_and_https" {
  command = apply
  module {
    source = "./modules/mwaa"
  }
  variables {
    name = "pinterest-0a1b2c3d4e5f-airflow"
  }

  assert {
    condition     = toset(aws_mwaa_environment.this.network_configuration[0].security_group_ids) == toset([aws_security_group.mwaa.id]) && toset(aws_mwaa_environment.this.network_configuration[0].subnet_ids) == toset(var.subnet_ids)
    error_message = "the environment does not run in its group and the two private subnets"
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.self.referenced_security_group_id == aws_security_group.mwaa.id
      && aws_vpc_security_group_ingress_rule.self.ip_protocol == "-1"
      && aws_vpc_security_group_egress_rule.self.referenced_security_group_id == aws_security_group.mwaa.id
      && aws_vpc_security_group_egress_rule.self.ip_protocol == "-1"
    )
    error_message = "MWAA's components (and its metadata database on 5432) cannot reach each other"
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.https.cidr_ipv4 == "0.0.0.0/0" && aws_vpc_security_group_egress_rule.https.from_port == 443 && aws_vpc_security_group_egress_rule.https.to_port == 443
    error_message = "MWAA cannot reach AWS APIs or the Databricks workspace over HTTPS"
  }

  assert {
    condition     = aws_mwaa_environment.this.webserver_access_mode == "PRIVATE_ONLY" && length(aws_vpc_security_group_ingress_rule.webserver_clients) == 0
    error_message = "the Airflow UI must be private and closed to every other group by default"
  }
}

# The private Airflow UI opens on 443 to the groups given (a bastion, a VPN, the REST proxy host).
run "mwaa_ui_opens_to_the_groups_given" {
  command = apply
  module {
    source = "./modules/mwaa"
  }
  variables {
    name                                = "pinterest-0a1b2c3d4e5f-airflow"
    webserver_client_security_group_ids = ["sg-0d0d0d0d0d0d0d0d0"]
  }

  assert {
    condition = (
      length(aws_vpc_security_group_ingress_rule.webserver_clients) == 1
      && aws_vpc_security_group_ingress_rule.webserver_clients[0].security_group_id == aws_security_group.mwaa.id
      && aws_vpc_security_group_ingress_rule.webserver_clients[0].referenced_security_group_id == "sg-0d0d0d0d0d0d0d0d0"
      && aws_vpc_security_group_ingress_rule.webserver_clients[0].from_port == 443
    )
    error_message = "the UI client group may not open the private web server on 443"
  }
}
