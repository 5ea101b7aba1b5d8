"""The root hands each module the peers it must reach (README: what reaches what).

terraform/tests/reachability.tftest.hcl checks each module's rules for the inputs it is given;
this checks that the root gives the right ones."""

from __future__ import annotations

from typing import Any

from tests.terraform.hcl import TF_ROOT, blocks


def module_block(name: str) -> dict[str, Any]:
    (body,) = [b[name] for _, b in blocks(TF_ROOT, "module") if name in b]
    return body


def test_connector_workers_get_the_broker_group_and_the_s3_endpoint() -> None:
    connector = module_block("msk_connect")
    assert connector["broker_security_group_id"] == "${module.msk.broker_security_group_id}"
    assert connector["s3_prefix_list_id"] == "${module.network.s3_prefix_list_id}"
    assert connector["subnet_ids"] == "${module.network.private_subnet_ids}"
    assert connector["vpc_id"] == "${module.network.vpc_id}"


def test_connector_does_not_depend_on_a_whole_module() -> None:
    """A module-wide depends_on defers the module's data sources and replaces the connector."""
    for name in ("msk_connect", "api_gateway", "mwaa", "databricks_access"):
        assert "depends_on" not in module_block(name), name


def test_rest_proxy_joins_the_msk_clients_group_behind_the_vpc_link() -> None:
    proxy = module_block("rest_proxy")
    assert proxy["client_security_group_id"] == "${module.msk.client_security_group_id}"
    assert proxy["subnet_ids"] == "${module.network.private_subnet_ids}"
    assert proxy["vpc_cidr"] == "${module.network.vpc_cidr}"
    api = module_block("api_gateway")
    assert api["nlb_arn"] == "${module.rest_proxy.nlb_arn}"
    assert api["rest_proxy_uri"] == "${module.rest_proxy.uri}"


def test_mwaa_runs_in_private_subnets_with_the_nat_route() -> None:
    mwaa = module_block("mwaa")
    assert mwaa["subnet_ids"] == "${slice(module.network.private_subnet_ids, 0, 2)}"
    assert mwaa["vpc_id"] == "${module.network.vpc_id}"
    assert "module.rest_proxy.security_group_id" in mwaa["webserver_client_security_group_ids"]


def test_key_policies_name_the_databricks_role() -> None:
    role = "${module.databricks_access.role_arns}"
    assert module_block("kinesis")["consumer_principal_arns"] == role
    assert module_block("storage")["key_user_principal_arns"] == role
    access = module_block("databricks_access")
    assert access["stream_arns"] == "${module.kinesis.stream_arns}"
    assert access["bucket_arn"] == "${module.storage.bucket_arn}"
