# Wirelane: the two set-up commands.
#   make demo   - run the tour of every socket state (cargo run --example tour)
#   make test   - run every test: Rust unit, integration, compile-fail and doc
#                 tests (which include the C tests plain, under ASan+UBSan and
#                 valgrind, the C compile-fail check and the C examples), the
#                 C tests under valgrind against the release library, the C++
#                 tests and the Python tests. Installs missing tools first.
#   make lint   - cargo fmt --check and clippy with warnings as errors.
#   make fuzz-smoke - a bounded fuzz run of every target (CI runs it too).

CARGO ?= cargo

.PHONY: demo test tools rust-test c-release-test cpp-test python-test fuzz-smoke lint

demo:
	$(CARGO) run --example tour

test: tools rust-test c-release-test cpp-test python-test

tools:
	./scripts/ensure-tools.sh

# Unit, integration, compile-fail (trybuild), README and doc tests, with
# every cargo feature (tokio included); through
# tests/c_abi/ffi_c.rs also every C test (plain, ASan+UBSan, valgrind), the C
# wrong-state compile-fail check, the C examples and the pkg-config install.
# Both packages of the workspace: the core (wirelane) and the C ABI
# (wirelane-ffi, src/ffi/; its tests are tests/c_abi/*.rs).
rust-test:
	$(CARGO) test --workspace --all-features

# The C tests and the C hardening programs under valgrind against an
# optimised build of the library.
c-release-test:
	$(CARGO) build --release -p wirelane-ffi
	$(MAKE) -C ffi-tests valgrind LIBDIR=../target/release
	$(MAKE) -C ffi-tests/hardening valgrind LIBDIR=../../target/release

# include/wirelane.hpp: C++17/20/23 and sanitizer builds, compile-fail cases,
# clang-tidy use-after-move, the C++ examples.
cpp-test:
	$(MAKE) -C tests/cpp test

# The Python binding: runtime tests, mypy --strict, typing proofs, examples.
python-test:
	./bindings/python/run-tests.sh

# Replays fuzz/regressions and fuzzes every target for 20 s (CI runs it;
# FUZZ_SECONDS=600 for the longer run). Installs cargo-fuzz if missing.
fuzz-smoke:
	./scripts/fuzz-smoke.sh

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings
