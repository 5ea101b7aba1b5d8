# The Confluent Kafka REST proxy on one EC2 host in a private subnet, behind an internal Network
# Load Balancer (the target of API Gateway's VPC link). It authenticates to MSK with IAM.

data "aws_ssm_parameter" "al2023" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

data "aws_partition" "current" {}

locals {
  topic_arns = [for t in values(var.topics) : "${var.topic_arn_prefix}/${t}"]

  user_data = templatefile("${path.module}/templates/user_data.sh.tftpl", {
    confluent_version         = var.confluent_version
    confluent_minor           = join(".", slice(split(".", var.confluent_version), 0, 2))
    confluent_key_fingerprint = var.confluent_key_fingerprint
    msk_iam_auth_version      = var.msk_iam_auth_version
    msk_iam_auth_sha256       = var.msk_iam_auth_sha256
    bootstrap_brokers         = var.bootstrap_brokers
    topics                    = join(" ", values(var.topics))
    topic_partitions          = var.topic_partitions
    replication_factor        = var.replication_factor
    port                      = var.port
  })
}

# ---- IAM: the host may connect to the cluster and create and write the pipeline's topics ----

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-rest-proxy"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "msk" {
  statement {
    sid       = "ConnectToCluster"
    actions   = ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster", "kafka-cluster:WriteDataIdempotently"]
    resources = [var.cluster_arn]
  }

  statement {
    sid       = "CreateAndWriteTopics"
    actions   = ["kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"]
    resources = local.topic_arns
  }
}

resource "aws_iam_role_policy" "msk" {
  name   = "msk-produce"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.msk.json
}

resource "aws_iam_role_policy_attachment" "ssm" {
  count      = var.enable_ssm ? 1 : 0
  role       = aws_iam_role.this.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "this" {
  name = "${var.name}-rest-proxy"
  role = aws_iam_role.this.name
}

# ---- security groups -----------------------------------------------------------------------

resource "aws_security_group" "nlb" {
  name        = "${var.name}-rest-proxy-nlb"
  description = "Internal NLB in front of the Kafka REST proxy"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "nlb_from_vpc" {
  security_group_id = aws_security_group.nlb.id
  cidr_ipv4         = var.vpc_cidr
  ip_protocol       = "tcp"
  from_port         = var.port
  to_port           = var.port
  description       = "REST proxy API from inside the VPC"
}

resource "aws_vpc_security_group_egress_rule" "nlb_to_proxy" {
  security_group_id            = aws_security_group.nlb.id
  referenced_security_group_id = aws_security_group.proxy.id
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
  description                  = "forward to the REST proxy host"
}

resource "aws_security_group" "proxy" {
  name        = "${var.name}-rest-proxy"
  description = "Kafka REST proxy host: API from the NLB, HTTPS out for packages and AWS APIs"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "proxy_from_nlb" {
  security_group_id            = aws_security_group.proxy.id
  referenced_security_group_id = aws_security_group.nlb.id
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
  description                  = "REST proxy API and health checks from the NLB"
}

resource "aws_vpc_security_group_egress_rule" "proxy_https" {
  security_group_id = aws_security_group.proxy.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "packages (dnf, Confluent, Maven Central), SSM and AWS APIs through the NAT gateway"
}

# ---- host ----------------------------------------------------------------------------------

resource "aws_instance" "this" {
  ami                         = data.aws_ssm_parameter.al2023.insecure_value
  instance_type               = var.instance_type
  subnet_id                   = var.subnet_ids[0]
  vpc_security_group_ids      = [aws_security_group.proxy.id, var.client_security_group_id]
  iam_instance_profile        = aws_iam_instance_profile.this.name
  associate_public_ip_address = false
  monitoring                  = true
  ebs_optimized               = true
  user_data                   = local.user_data
  user_data_replace_on_change = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  root_block_device {
    encrypted   = true
    volume_type = "gp3"
    volume_size = var.root_volume_gb
  }

  tags = { Name = "${var.name}-rest-proxy" }

  lifecycle {
    # A newer AMI alone should not replace a running proxy; replace it with -replace when wanted.
    ignore_changes = [ami]
  }
}

# ---- internal network load balancer (the VPC link target) ----------------------------------

resource "aws_lb" "this" {
  #checkov:skip=CKV_AWS_91:NLB access logs cover TLS listeners only; API Gateway access logs record every request
  #checkov:skip=CKV_AWS_150:a dev pipeline is torn down with make destroy; deletion protection would block it
  name                             = substr("${var.name}-rest", 0, 32)
  internal                         = true
  load_balancer_type               = "network"
  subnets                          = var.subnet_ids
  security_groups                  = [aws_security_group.nlb.id]
  enable_cross_zone_load_balancing = true

  # API Gateway's VPC link reaches the NLB through PrivateLink; its source is not in the VPC.
  enforce_security_group_inbound_rules_on_private_link_traffic = "off"
}

resource "aws_lb_target_group" "this" {
  name        = substr("${var.name}-rest", 0, 32)
  port        = var.port
  protocol    = "TCP"
  target_type = "instance"
  vpc_id      = var.vpc_id

  health_check {
    protocol = "HTTP"
    port     = "traffic-port"
    path     = "/"
    matcher  = "200"
  }
}

resource "aws_lb_target_group_attachment" "this" {
  target_group_arn = aws_lb_target_group.this.arn
  target_id        = aws_instance.this.id
  port             = var.port
}

resource "aws_lb_listener" "this" {
  #checkov:skip=CKV_AWS_2:the NLB is internal and only reachable through the VPC link; API Gateway terminates TLS
  #checkov:skip=CKV_AWS_103:the NLB is internal and only reachable through the VPC link; API Gateway terminates TLS
  load_balancer_arn = aws_lb.this.arn
  port              = var.port
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }
}
