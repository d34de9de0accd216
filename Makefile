# Wirelane: the two set-up commands.
#   make demo   - run the tour of every socket state (cargo run --example tour)
#   make test   - run every test: Rust unit, integration, compile-fail and doc
#                 tests, the C tests (plain, ASan+UBSan, valgrind) and the
#                 Python tests. Installs missing tools first.

CARGO ?= cargo

.PHONY: demo test tools rust-test lint

demo:
	$(CARGO) run --example tour

test: tools rust-test

tools:
	./scripts/ensure-tools.sh

rust-test:
	$(CARGO) test

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings
