"""Apache Kafka 4, one KRaft node (broker + controller), from Maven Central jars, Java 17."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import uuid
from pathlib import Path

from devstack.config import HOST, KAFKA_CONTROLLER_PORT, KAFKA_PORT, StackError
from devstack.kafka_admin import admin as kafka_admin
from devstack.say import Say
from devstack.services.base import Service

POM = Path(__file__).with_name("kafka-pom.xml")
HEAP = "-Xmx384m"
MAIN = "kafka.Kafka"
STORAGE_TOOL = "kafka.tools.StorageTool"

LOG4J2 = """\
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.state.name = state.change.logger
logger.state.level = WARN
logger.config.name = org.apache.kafka.common.config.AbstractConfig
logger.config.level = WARN
"""


class Kafka(Service):
    name = "kafka"
    ports = (KAFKA_PORT, KAFKA_CONTROLLER_PORT)

    @property
    def libs(self) -> Path:
        digest = hashlib.sha256(POM.read_bytes()).hexdigest()[:12]
        return self.settings.cache / "kafka" / digest / "libs"

    @property
    def workdir(self) -> Path:
        return self.settings.home / "kafka"

    @property
    def data(self) -> Path:
        return self.workdir / "data"

    @property
    def server_properties(self) -> Path:
        return self.workdir / "server.properties"

    @property
    def log4j2(self) -> Path:
        return self.workdir / "log4j2.properties"

    def install(self, say: Say) -> None:
        stamp = self.libs.parent / ".complete"
        if stamp.exists():
            return
        if shutil.which("mvn") is None:
            raise StackError("Kafka's jars are resolved with Maven: install `mvn` (Maven 3)")
        say("resolving Kafka jars from Maven Central (once)")
        shutil.rmtree(self.libs, ignore_errors=True)
        cmd = [
            "mvn", "-q", "-B", "-f", str(POM),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={self.libs}",
            f"-Dmaven.repo.local={self.settings.cache / 'm2'}",
        ]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
            raise StackError(f"Maven could not resolve Kafka's jars:\n{tail}")
        stamp.write_text(POM.read_text())

    def prepare(self, say: Say) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.server_properties.write_text(self._properties())
        self.log4j2.write_text(LOG4J2)
        if (self.data / "meta.properties").exists():
            return
        say("formatting Kafka storage (first start)")
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        cmd = [*self._java(), STORAGE_TOOL, "format", "-t", cluster_id, "-c",
               str(self.server_properties)]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-10:])
            raise StackError(f"kafka storage format failed:\n{tail}")

    def command(self) -> list[str]:
        return [*self._java(), MAIN, str(self.server_properties)]

    def healthy(self) -> bool:
        admin = kafka_admin(f"{HOST}:{KAFKA_PORT}")
        metadata = admin.list_topics(timeout=2)
        return bool(metadata.brokers)

    def _java(self) -> list[str]:
        java = shutil.which("java")
        if java is None:
            raise StackError("Kafka needs Java 17+: install a JDK (`java` on PATH)")
        return [
            java, HEAP, "-Xms64m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true", f"-Dlog4j2.configurationFile={self.log4j2}",
            "-cp", f"{self.libs}/*",
        ]  # fmt: skip

    def _properties(self) -> str:
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@{HOST}:{KAFKA_CONTROLLER_PORT}",
            "listeners": f"PLAINTEXT://{HOST}:{KAFKA_PORT},CONTROLLER://{HOST}:{KAFKA_CONTROLLER_PORT}",
            "advertised.listeners": f"PLAINTEXT://{HOST}:{KAFKA_PORT}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(self.data),
            "num.partitions": str(self.settings.partitions),
            # Unknown topics must stay unknown (the REST proxy answers 40401), as on MSK.
            "auto.create.topics.enable": "false",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "5",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
        }
        return "".join(f"{k}={v}\n" for k, v in props.items())
