"""Kafka REST proxy: the produce part of Confluent REST Proxy v2 (DESIGN section 6)."""
