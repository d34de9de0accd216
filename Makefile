# Wirelane: the two set-up commands.
#   make demo   - run the tour of every socket state (cargo run --example tour)
#   make test   - run every test: Rust unit, integration, compile-fail and doc
#                 tests (which include the C tests plain, under ASan+UBSan and
#                 valgrind, the C compile-fail check and the C examples), the
#                 C tests under valgrind against the release library, the C++
#                 tests, the Python tests and every README code block.
#                 Installs missing tools first.
#   make lint   - cargo fmt --check, clippy and rustdoc with warnings as errors.
#   make fuzz-smoke - a bounded fuzz run of every target (CI runs it too).

CARGO ?= cargo

.PHONY: demo test tools rust-test c-release-test cpp-test python-test readme-test fuzz-smoke lint

demo:
	$(CARGO) run --example tour

test: tools rust-test c-release-test cpp-test python-test readme-test

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
# optimised build of the library, found where cargo put it
# (scripts/target-dir.sh: CARGO_TARGET_DIR, a cargo config, or ./target).
c-release-test:
	$(CARGO) build --release -p wirelane-ffi
	dir="$$(CARGO=$(CARGO) ./scripts/target-dir.sh)" && \
	  $(MAKE) -C ffi-tests valgrind LIBDIR="$$dir/release" && \
	  $(MAKE) -C ffi-tests/hardening valgrind LIBDIR="$$dir/release"

# include/wirelane.hpp: C++17/20/23 and sanitizer builds, compile-fail cases,
# clang-tidy use-after-move, the C++ examples.
cpp-test:
	$(MAKE) -C tests/cpp test

# The Python binding: runtime tests, mypy --strict, typing proofs, examples.
python-test:
	./bindings/python/run-tests.sh

# Every C, C++, Python and shell block of README.md, run in its language
# (the Rust blocks are doctests): the C quick start installs into a scratch
# prefix and its program serves, the C++ example builds against the
# installed headers, the Python install path runs in the test venv. Needs
# the venv python-test made and the release library c-release-test built.
readme-test:
	python3 tests/readme_blocks.py README.md tests/cpp/README.md bindings/python/README.md

# Replays fuzz/regressions and fuzzes every target for 20 s (CI runs it;
# FUZZ_SECONDS=600 for the longer run). Installs cargo-fuzz if missing.
fuzz-smoke:
	./scripts/fuzz-smoke.sh

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --workspace
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --workspace --all-features
