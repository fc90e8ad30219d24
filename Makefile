# The two commands of the README: `make run` and `make test`. Both install what is missing first.
CARGO ?= cargo
OPT := target/release/autows-opt
OUT := out/resnet18-zcu102

.PHONY: all setup build run test bench check fmt lint docs clean

all: build

setup:
	@scripts/setup.sh

build: setup
	$(CARGO) build --release --locked

# The main job: the built-in ResNet-18 at w4a5 for a ZCU102, every level and the reports in $(OUT)/.
run: build
	target/release/autows compile --model resnet18 --device zcu102 --quant w4a5 -o $(OUT)
	@echo "report: $(OUT)/report.html (also report.json, config.json, graph/dataflow/memory.mlir)"

# The whole suite: unit tests of every crate and the lit-style suite under test/.
test: setup
	$(CARGO) test --workspace --locked

# Benchmarks: each writes bench/results/<name>.json with its figures and the baseline measured in the same run.
bench: setup
	$(CARGO) build --release --locked -p autows-bench
	target/release/autows-bench cost --model resnet50 --device zcu102
	target/release/autows-bench import --model resnet50 --model vgg16
	target/release/autows-bench dse
	target/release/autows-bench eqsat
	target/release/autows-bench fusion

# What a change should pass before review: formatting, lints, tests.
check: setup
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(CARGO) test --workspace --locked

fmt:
	$(CARGO) fmt --all

lint:
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

# Regenerates docs/passes.md and docs/dialects.md from the registry and the IRDL definitions.
docs: build
	$(OPT) --print-pass-docs > docs/passes.md
	$(OPT) --print-dialect-docs > docs/dialects.md

clean:
	$(CARGO) clean
