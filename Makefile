# The two commands: `make run` (the whole pipeline offline) and `make test`.
# Every target sets up what it needs; nothing is installed by hand.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BOOT ?= python3.11
VENV        := .venv
PY          := $(VENV)/bin/python
STAMP       := $(VENV)/.installed
STATE       := .devstack
export PIPELINE_ID ?= 0a1b2c3d4e5f

# Sizes and rates for `make run` and the emulator (see README, Configuration).
ROWS  ?= 11153
RATE  ?= 0
BATCH ?= 500
DATETIMES ?= mix

.PHONY: help venv lint fmt test test-py test-unit test-integration run

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[local,dev]'
	@touch $@

venv: $(STAMP) ## create or update the project virtualenv (.venv)

lint: $(STAMP) ## ruff (lint + format check), mypy, and the layering (lint-imports, README's "may import")
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports --no-cache

fmt: $(STAMP) ## format the code
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

test: lint test-tf test-dags test-py ## everything CI runs: lint, Terraform and DAG checks, unit, integration, e2e

# One pytest run over unit, integration and e2e: one Spark session and one local stack per run.
test-py: $(STAMP) jars devstack-install ## unit, integration and e2e tests in one pytest run
	$(PY) -m pytest tests/unit tests/integration tests/e2e -q -p no:cacheprovider --durations=15

test-unit: $(STAMP) jars ## unit tests only (no services)
	$(PY) -m pytest tests/unit -q

run: $(STAMP) jars ## the whole pipeline offline, reconciliation and report (ROWS, RATE, BATCH, DATETIMES, KEEP_UP)
	ROWS=$(ROWS) RATE=$(RATE) BATCH=$(BATCH) DATETIMES=$(DATETIMES) KEEP_UP=$(KEEP_UP) $(PY) -m devstack run

# ---- emulator (foundation) -------------------------------------------------
# API_URL and API_KEY come from the environment; when unset, from `terraform output` of a
# `make apply` deployment. COUNT limits the events posted (default: all rows).
SEED         ?= 42
COUNT        ?=
EMULATE_ARGS ?=
COUNT_ARG     = $(if $(COUNT),--count $(COUNT))

.PHONY: seed emulate-batch emulate-stream test-emulator

seed: $(STAMP) ## create the synthetic source database (ROWS, SEED; SOURCE_DB_URL)
	$(PY) -m emulator seed --rows $(ROWS) --seed $(SEED)

# A value of `terraform output` (empty when there is no deployment or no terraform).
tf_output = $$(terraform -chdir=terraform output -json 2>/dev/null | $(PY) -c 'import json,sys; \
	print(json.loads(sys.stdin.read() or "{}").get("$(1)", {}).get("value", ""))' 2>/dev/null)

emulate-batch: $(STAMP) ## post the source rows to $API_URL via the REST proxy route (RATE, BATCH, COUNT)
emulate-stream: $(STAMP) ## post the source rows to $API_URL via the Kinesis routes (RATE, BATCH, COUNT)
emulate-batch emulate-stream: emulate-%:
	@api="$${API_URL:-$(call tf_output,api_invoke_url)}"; \
	test -n "$$api" || { echo "emulate-$*: set API_URL (or make apply first)" >&2; exit 2; }; \
	export API_KEY="$${API_KEY:-$(call tf_output,api_key)}"; \
	echo "emulator post $* --api $$api --rate $(RATE) --batch-size $(BATCH) $(COUNT_ARG) $(EMULATE_ARGS)"; \
	$(PY) -m emulator post $* --api "$$api" --rate $(RATE) --batch-size $(BATCH) \
		$(COUNT_ARG) $(EMULATE_ARGS)

test-emulator: $(STAMP) ## only the emulator and contracts.names unit tests
	$(PY) -m pytest tests/unit/test_emulator_*.py tests/unit/test_contracts_names.py -q

# ---- devstack (local stack) ------------------------------------------------
# LocalStack (own venv .venv-localstack), Kafka (jars from Maven Central), the REST proxy and the
# S3 sink run as host processes on 127.0.0.1; state, caches and logs live in .devstack/.
# The AWS resources come from `terraform apply` of terraform/envs/local (TF, TF_PLUGIN_DIR below).
# More: python -m devstack --help. SERVICE=<name> picks one log for `make logs`.
SERVICE ?=

.PHONY: up down down-clean status logs devstack-install

devstack-install: $(STAMP) ## install LocalStack (kinesis-local only for DEVSTACK_KINESIS_ENGINE=kinesis-mock) and Kafka's jars
	$(PY) -m devstack install

up: $(STAMP) ## start the local stack, terraform apply its AWS resources (no-op when up); prints the API URL
	$(PY) -m devstack up

down: $(STAMP) ## stop the local stack's processes (only those devstack started)
	$(PY) -m devstack down

down-clean: $(STAMP) ## down, then delete the local state: Terraform state, Kafka's data
	$(PY) -m devstack down --clean

status: $(STAMP) ## health, Kafka end offsets, S3 objects/records, Kinesis records
	$(PY) -m devstack status

logs: $(STAMP) ## tail the services' logs (SERVICE=localstack|kafka|rest_proxy|s3_sink|terraform)
	$(PY) -m devstack logs $(SERVICE)

test-integration: $(STAMP) jars devstack-install ## integration tests (start the stack, or reuse a running one)
	$(PY) -m pytest tests/integration -q -p no:cacheprovider


# ---- jobs: batch -----------------------------------------------------------
# Spark's extra jars (Delta, S3A + AWS SDK) come from Maven Central into the cache, once; Spark gets
# them with spark.jars (jobs/common/spark.py). `make batch` reads the local stack's bucket; the
# tables and q*.csv go to s3a://<bucket>/batch unless BATCH_OUTPUT / BATCH_RESULTS say otherwise.
SPARK_JARS       := $(STATE)/cache/jars/spark
SPARK_JARS_POM   := jobs/common/spark-jars.pom.xml
SPARK_JARS_STAMP := $(SPARK_JARS)/.resolved
BATCH_OUTPUT     ?=
BATCH_RESULTS    ?=

.PHONY: jars batch test-batch

$(SPARK_JARS_STAMP): $(SPARK_JARS_POM)
	rm -rf $(SPARK_JARS) && mkdir -p $(SPARK_JARS)
	mvn -q -B -f $(SPARK_JARS_POM) dependency:copy-dependencies -DoutputDirectory=$(abspath $(SPARK_JARS))
	@touch $@

jars: $(SPARK_JARS_STAMP) ## resolve Spark's Delta and S3A jars with Maven into .devstack/cache/jars/spark

batch: $(STAMP) jars ## run the batch job on the local stack's bucket (make up first)
	@env_lines="$$($(PY) -m devstack env)" && eval "$$env_lines" && \
	out="$${BATCH_OUTPUT:-s3a://$$DATA_BUCKET/batch}" && \
	$(PY) -m jobs.batch --input "s3a://$$DATA_BUCKET" --output "$$out" \
		--results "$${BATCH_RESULTS:-$$out}"

test-batch: $(STAMP) jars ## only the batch job's tests (cleaning, analytics, the job on file:// input)
	$(PY) -m pytest -q -p no:cacheprovider tests/unit/test_cleaning.py tests/unit/test_analytics.py \
		tests/unit/test_schemas.py tests/unit/test_datetimes.py tests/unit/test_quality.py \
		tests/unit/test_locations.py tests/unit/test_job_locations.py tests/integration/test_batch_file.py

# ---- jobs: streaming -------------------------------------------------------
# `make stream` runs the streaming job on the local stack (started if needed): Kinesis -> Delta
# tables in $(STREAM_OUTPUT), one checkpoint per stream under $(STREAM_CHECKPOINTS).
# STREAM_TRIGGER=1 runs a micro-batch every second until Ctrl-C; the default, available-now,
# processes what the streams hold, then stops. More flags: python -m jobs.streaming --help.
STREAM_OUTPUT      ?= $(STATE)/tables/stream
STREAM_CHECKPOINTS ?= $(STATE)/checkpoints/stream
STREAM_TRIGGER     ?= available-now
STREAM_ARGS        ?=

.PHONY: stream test-stream bench-stream

stream: $(STAMP) jars up ## run the streaming job on the local stack (STREAM_TRIGGER, STREAM_ARGS)
	@env_lines="$$($(PY) -m devstack env)" && eval "$$env_lines" && \
	$(PY) -m jobs.streaming --output $(STREAM_OUTPUT) --checkpoints $(STREAM_CHECKPOINTS) \
		--trigger $(STREAM_TRIGGER) $(STREAM_ARGS)

test-stream: $(STAMP) jars devstack-install ## only the streaming tests (Kinesis source, job on the stack)
	$(PY) -m pytest -q -p no:cacheprovider tests/unit/test_kinesis_source_*.py \
		tests/unit/test_streaming_cli.py tests/unit/test_streaming_delta_merge.py tests/unit/test_kinesis_engine.py \
		tests/integration/test_streaming_job.py tests/integration/test_kinesis_engine_stack.py

bench-stream: $(STAMP) jars up ## latency post -> Delta (p50/p95 at 100 and 1,000 records/s), BENCH_STREAM_ARGS
	@env_lines="$$($(PY) -m devstack env)" && eval "$$env_lines" && \
	$(PY) -m bench.bench_streaming $(BENCH_STREAM_ARGS)


# ---- terraform, docker-compose ---------------------------------------------
# Deploy to AWS: make plan / apply / destroy (TF_VARS = the -var-file, default terraform/terraform.tfvars;
# AUTO_APPROVE=1 skips the prompt). Offline checks: make tf-check (= test-tf, part of make test).
# terraform comes from PATH; without it, OpenTofu is built from the Go module proxy into the cache.
TOFU_VERSION    := 1.10.10
TOFU            := $(abspath $(STATE))/cache/bin/tofu
TF              ?= $(or $(shell command -v terraform 2>/dev/null),$(TOFU))
TF_VARS         ?= terraform/terraform.tfvars
TF_VAR_FILE      = $(if $(wildcard $(TF_VARS)),-var-file=$(abspath $(TF_VARS)))
CHECKOV_VENV    := .venv-checkov
CHECKOV_LOCK    := tests/terraform/checkov-lock.txt
CHECKOV_STAMP   := $(CHECKOV_VENV)/.installed
S3_SINK_VERSION := 10.5.23
S3_SINK_ZIP     := $(STATE)/cache/confluentinc-kafka-connect-s3-$(S3_SINK_VERSION).zip
MSK_IAM_AUTH_VERSION := 2.3.2
MSK_IAM_JAR     := $(STATE)/cache/terraform/aws-msk-iam-auth-$(MSK_IAM_AUTH_VERSION)-all.jar
export TF_VAR_s3_sink_plugin_zip ?= $(abspath $(S3_SINK_ZIP))
# The AWS provider as a filesystem mirror: with it, tf-check runs terraform init/validate/test offline
# in a throwaway copy (TF_SCRATCH), so terraform/ gets no .terraform/ nor lock file; `make up`
# installs the provider from it too (else from the registry).
TF_PLUGIN_DIR   ?= /opt/tf-plugins
export TF_PLUGIN_DIR
# devstack (make up, run, the tests) applies terraform/envs/local with this binary.
export TF_BIN   ?= $(TF)
TF_SCRATCH      := $(abspath $(STATE))/cache/tf-check
TF_OFFLINE       = cd $(TF_SCRATCH)/terraform && CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

.PHONY: plan apply destroy tf-tools tf-check tf-validate tf-docs tf-docs-check test-tf s3-sink-plugin checkov-lock

# Whatever starts the local stack applies Terraform: OpenTofu is built first when terraform is missing.
up run devstack-install test-py test-integration test-stream stream bench-stream fuzz: $(if $(filter $(TOFU),$(TF)),$(TOFU))

# terraform-docs writes the input/output tables of every README under terraform/ (between the
# BEGIN_TF_DOCS and END_TF_DOCS markers; terraform/.terraform-docs.yml says how). Built once from the
# Go module proxy into the cache (`go install ...@version` needs the proxy's version list).
TF_DOCS_VERSION := 0.19.0
TF_DOCS         := $(abspath $(STATE))/cache/bin/terraform-docs-$(TF_DOCS_VERSION)
TF_DOCS_CONFIG  := terraform/.terraform-docs.yml
TF_DOCS_DIRS    := terraform terraform/envs/local terraform/examples/minimal \
	$(patsubst %/,%,$(sort $(wildcard terraform/modules/*/)))

$(TF_DOCS):
	@command -v go > /dev/null || { echo "terraform-docs: no go on PATH to build it with (https://go.dev/dl)" >&2; exit 2; }
	@mkdir -p $(@D)
	@echo "building terraform-docs $(TF_DOCS_VERSION) from the Go module proxy (once, about a minute)"
	cd $(STATE)/cache && src=$$(go mod download -json github.com/terraform-docs/terraform-docs@v$(TF_DOCS_VERSION) \
		| sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p') \
		&& rm -rf terraform-docs-build && cp -r "$$src" terraform-docs-build && chmod -R u+w terraform-docs-build
	cd $(STATE)/cache/terraform-docs-build && CGO_ENABLED=0 GOFLAGS='-mod=mod -buildvcs=false' \
		go build -trimpath -o $@.part . && mv $@.part $@
	rm -rf $(STATE)/cache/terraform-docs-build

tf-docs: $(TF_DOCS) ## rewrite the terraform-docs tables of the READMEs under terraform/
	@for d in $(TF_DOCS_DIRS); do $(TF_DOCS) -c $(TF_DOCS_CONFIG) $$d > /dev/null || exit 1; done
	@echo "tf-docs: the tables of $(words $(TF_DOCS_DIRS)) READMEs are current"

tf-docs-check: $(TF_DOCS) ## fail when a terraform-docs table of a README under terraform/ is stale
	@stale=; for d in $(TF_DOCS_DIRS); do \
		$(TF_DOCS) -c $(TF_DOCS_CONFIG) --output-check $$d > /dev/null 2>&1 || stale="$$stale $$d/README.md"; \
	done; test -z "$$stale" || { echo "tf-docs-check: stale tables in$$stale: run make tf-docs" >&2; exit 1; }
	@echo "tf-docs-check: the tables of $(words $(TF_DOCS_DIRS)) READMEs are current"

$(TOFU):
	@mkdir -p $(@D) $(STATE)/cache/tofu-build
	@echo "building OpenTofu $(TOFU_VERSION) from the Go module proxy (no terraform on PATH)"
	cd $(STATE)/cache && src=$$(go mod download -json github.com/opentofu/opentofu@v$(TOFU_VERSION) \
		| sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p') \
		&& rm -rf tofu-build && cp -r "$$src" tofu-build && chmod -R u+w tofu-build
	cd $(STATE)/cache/tofu-build && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -o $(TOFU) ./cmd/tofu
	rm -rf $(STATE)/cache/tofu-build

$(CHECKOV_STAMP): $(CHECKOV_LOCK)
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON_BOOT) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r $(CHECKOV_LOCK)
	@touch $@

checkov-lock: ## re-resolve tests/terraform/checkov-lock.txt (newest checkov)
	rm -rf $(STATE)/checkov-lock-venv
	$(PYTHON_BOOT) -m venv $(STATE)/checkov-lock-venv
	$(STATE)/checkov-lock-venv/bin/pip install --quiet checkov
	{ sed -n '1,2p' $(CHECKOV_LOCK); $(STATE)/checkov-lock-venv/bin/pip freeze; } > $(CHECKOV_LOCK).new
	mv $(CHECKOV_LOCK).new $(CHECKOV_LOCK); rm -rf $(STATE)/checkov-lock-venv

# The aws-msk-iam-auth -all jar the REST proxy host downloads: the tests check its class names and
# that the module's pinned SHA-256 is this file's.
$(MSK_IAM_JAR):
	@mkdir -p $(@D)
	mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
		-Dartifact=software.amazon.msk:aws-msk-iam-auth:$(MSK_IAM_AUTH_VERSION):jar:all -DoutputDirectory=$(@D)

tf-tools: $(STAMP) $(CHECKOV_STAMP) $(MSK_IAM_JAR) $(TF_DOCS) $(if $(filter $(TOFU),$(TF)),$(TOFU)) ## terraform/tofu, terraform-docs, checkov, test inputs

tf-check: tf-tools ## offline: terraform fmt, terraform-docs tables, validate, test (mocked AWS), checkov, HCL/compose/workflow tests
	$(TF) fmt -check -recursive terraform
	@$(MAKE) --no-print-directory tf-docs-check
	@if [ -d "$(TF_PLUGIN_DIR)" ]; then $(MAKE) --no-print-directory tf-validate; else echo \
		"tf-check: terraform validate and test NOT run: no AWS provider mirror at TF_PLUGIN_DIR=$(TF_PLUGIN_DIR) (CI validates online)"; fi
	$(CHECKOV_VENV)/bin/checkov -d terraform --framework terraform --skip-download --quiet --compact
	TF_BIN=$(TF) $(PY) -m pytest tests/terraform -q -p no:cacheprovider

# The copy keeps terraform/'s place next to contracts/ and dags/ (symlinks), which main.tf reads.
tf-validate: tf-tools ## terraform init (TF_PLUGIN_DIR mirror), validate and test (AWS, local, example roots) in a throwaway copy
	@rm -rf $(TF_SCRATCH) && mkdir -p $(TF_SCRATCH)/terraform
	@ln -s $(abspath contracts) $(TF_SCRATCH)/contracts && ln -s $(abspath dags) $(TF_SCRATCH)/dags
	@tar -C terraform --exclude=.terraform --exclude=.terraform.lock.hcl --exclude='*.tfstate*' \
		--exclude='*.tfvars' -cf - . | tar -C $(TF_SCRATCH)/terraform -xf -
	@$(PY) -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1], 'w').close()" $(TF_SCRATCH)/empty-plugin.zip
	$(TF_OFFLINE) $(TF) init -no-color -input=false -backend=false -plugin-dir=$(abspath $(TF_PLUGIN_DIR)) \
		> ../init.log || { cat ../init.log; exit 1; }
	$(TF_OFFLINE) $(TF) validate -no-color
	$(TF_OFFLINE) TF_VAR_s3_sink_plugin_zip=../empty-plugin.zip TF_VAR_plugin_zip_path=../empty-plugin.zip \
		$(TF) test -no-color
	@# tests/upgrade plans today's root on the state of an older layout (state_key: terraform >= 1.11).
ifeq ($(TF),$(TOFU))
	@echo "tf-validate: terraform/tests/upgrade NOT run: OpenTofu has no state_key (CI runs it with terraform)"
else
	$(TF_OFFLINE) $(TF) init -no-color -input=false -backend=false -plugin-dir=$(abspath $(TF_PLUGIN_DIR)) \
		-test-directory=tests/upgrade > ../init-upgrade.log || { cat ../init-upgrade.log; exit 1; }
	$(TF_OFFLINE) TF_VAR_s3_sink_plugin_zip=../empty-plugin.zip $(TF) test -no-color -test-directory=tests/upgrade
endif
	cd $(TF_SCRATCH)/terraform/envs/local && CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 $(TF) init -no-color \
		-input=false -backend=false -plugin-dir=$(abspath $(TF_PLUGIN_DIR)) > ../../../init-local.log \
		|| { cat ../../../init-local.log; exit 1; }
	cd $(TF_SCRATCH)/terraform/envs/local && CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 $(TF) validate -no-color
	cd $(TF_SCRATCH)/terraform/envs/local && CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 $(TF) test -no-color
	cd $(TF_SCRATCH)/terraform/examples/minimal && CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 $(TF) init -no-color \
		-input=false -backend=false -plugin-dir=$(abspath $(TF_PLUGIN_DIR)) > ../../../init-example.log \
		|| { cat ../../../init-example.log; exit 1; }
	cd $(TF_SCRATCH)/terraform/examples/minimal && CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 $(TF) validate -no-color

test-tf: tf-check ## the Terraform checks of make test

s3-sink-plugin: $(S3_SINK_ZIP) ## download the Confluent S3 sink zip (MSK Connect plugin) from Confluent Hub

$(S3_SINK_ZIP):
	@mkdir -p $(@D)
	curl -fSL --retry 3 -o $@.part \
		https://hub-downloads.confluent.io/api/plugins/confluentinc/kafka-connect-s3/versions/$(S3_SINK_VERSION)/confluentinc-kafka-connect-s3-$(S3_SINK_VERSION).zip
	mv $@.part $@

plan: $(S3_SINK_ZIP) ## terraform plan of the AWS deployment (TF_VARS=terraform/terraform.tfvars)
	$(TF) -chdir=terraform init -input=false
	$(TF) -chdir=terraform plan -input=false $(TF_VAR_FILE)

apply: $(S3_SINK_ZIP) ## create/update the AWS deployment (AUTO_APPROVE=1 skips the prompt)
	$(TF) -chdir=terraform init -input=false
	$(TF) -chdir=terraform apply -input=false $(TF_VAR_FILE) $(if $(AUTO_APPROVE),-auto-approve)
	@echo "outputs: terraform -chdir=terraform output   (API key: terraform -chdir=terraform output -raw api_key)"

destroy: ## delete the AWS deployment (AUTO_APPROVE=1 skips the prompt)
	$(TF) -chdir=terraform init -input=false
	$(TF) -chdir=terraform destroy -input=false $(TF_VAR_FILE) $(if $(AUTO_APPROVE),-auto-approve)


# ---- orchestration: Airflow, Databricks ------------------------------------
# Airflow gets its own venv: Python 3.12 as on MWAA, pinned by a lock file, installed with uv
# (seconds instead of minutes). `make airflow-lock` re-resolves the lock.
AIRFLOW_VERSION ?= 3.3.1
AF_BOOT    ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12.*/bin/python) python3.12)
AF_VENV    := .venv-airflow
AF_PY      := $(AF_VENV)/bin/python
AF_LOCK    := dags/airflow-lock.txt
AF_STAMP   := $(AF_VENV)/.installed
UV_VERSION := 0.13.9
# Extra flags for the jobs.deploy commands, e.g. DEPLOY_ARGS='--cluster-id 0123-456789-abcdef'.
DEPLOY_ARGS ?=

.PHONY: airflow-venv airflow-lock test-dags submit-batch submit-stream deploy-jobs

$(AF_STAMP): $(AF_LOCK)
	@test -x $(AF_PY) || $(AF_BOOT) -m venv $(AF_VENV)
	$(AF_PY) -m pip install --quiet 'uv==$(UV_VERSION)'
	$(AF_VENV)/bin/uv pip install --quiet --native-tls --python $(AF_PY) --no-deps -r $(AF_LOCK) \
		|| $(AF_PY) -m pip install --quiet --no-deps -r $(AF_LOCK)
	@touch $@

airflow-venv: $(AF_STAMP) ## create or update the Airflow virtualenv (.venv-airflow)

airflow-lock: ## re-resolve dags/airflow-lock.txt (Airflow + Databricks provider + pytest)
	rm -rf $(STATE)/airflow-lock-venv
	$(AF_BOOT) -m venv $(STATE)/airflow-lock-venv
	$(STATE)/airflow-lock-venv/bin/pip install --quiet 'apache-airflow==$(AIRFLOW_VERSION)' \
		apache-airflow-providers-databricks pytest pytest-timeout
	{ echo "# Airflow venv lock (.venv-airflow, Python 3.12). Regenerate: make airflow-lock"; \
		$(STATE)/airflow-lock-venv/bin/pip freeze; } > $(AF_LOCK)
	rm -rf $(STATE)/airflow-lock-venv

test-dags: $(AF_STAMP) ## DAG tests in .venv-airflow: DagBag, dag.test() against a fake Databricks
	$(AF_PY) -m pytest tests/dags -q -p no:cacheprovider --confcutdir=tests/dags

submit-batch: $(STAMP) ## build + upload the wheel, run the batch job once on Databricks
	$(PY) -m jobs.deploy submit-batch $(DEPLOY_ARGS)

submit-stream: $(STAMP) ## build + upload the wheel, run the streaming job once on Databricks
	$(PY) -m jobs.deploy submit-stream $(DEPLOY_ARGS)

deploy-jobs: $(STAMP) ## create or update the named Databricks jobs (for DatabricksRunNowOperator)
	$(PY) -m jobs.deploy deploy-jobs $(DEPLOY_ARGS)


# ---- end to end, benchmarks ------------------------------------------------
# `make run` = `python -m devstack run` (devstack/run/): artefacts in .devstack/runs/<timestamp>/.
# KEEP_UP=1 leaves a stack that run started running. The benchmarks need a running stack
# (`make up`); FUZZ_EXAMPLES is per API operation and generation mode (>= 1,000 requests in all).
KEEP_UP       ?= 0
FUZZ_EXAMPLES ?= 100

.PHONY: bench fuzz bench-kinesis bench-run

bench: $(STAMP) ## ingest and sink benchmarks against the running stack (table + JSON lines)
	$(PY) -m bench.bench_ingest
	$(PY) -m bench.bench_sink

# Both Kinesis engines side by side (DEVSTACK_KINESIS_ENGINE): these restart the stack on each.
bench-kinesis: $(STAMP) devstack-install ## gateway -> Kinesis records/s and cost per record, both Kinesis engines
	$(PY) -m bench.bench_kinesis $(BENCH_KINESIS_ARGS)

bench-run: $(STAMP) jars devstack-install ## make run stage times (ROWS 11153 and 100000), both Kinesis engines
	$(PY) -m bench.bench_run $(BENCH_RUN_ARGS)

fuzz: $(STAMP) devstack-install ## schemathesis over the API (contracts/openapi.yaml): gateway + REST proxy
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest tests/integration/test_fuzz_api.py -q -s \
		-p no:cacheprovider
