# Wirelane: the two set-up commands.
#   make demo   - run the tour of every socket state (cargo run --example tour)
#   make test   - run every test: Rust unit, integration, compile-fail and doc
#                 tests (which include the C tests plain, under ASan+UBSan and
#                 valgrind, the C compile-fail check and the C examples), the
#                 C tests under valgrind against the release library, the C++
#                 tests and the Python tests. Installs missing tools first.
#   make lint   - cargo fmt --check and clippy with warnings as errors.

CARGO ?= cargo

.PHONY: demo test tools rust-test c-release-test cpp-test python-test lint

demo:
	$(CARGO) run --example tour

test: tools rust-test c-release-test cpp-test python-test

tools:
	./scripts/ensure-tools.sh

# Unit, integration, compile-fail (trybuild), README and doc tests; through
# tests/ffi_c.rs also every C test (plain, ASan+UBSan, valgrind), the C
# wrong-state compile-fail check, the C examples and the pkg-config install.
rust-test:
	$(CARGO) test

# The C tests under valgrind against an optimised build of the library.
c-release-test:
	$(CARGO) build --release --lib
	$(MAKE) -C ffi-tests valgrind LIBDIR=../target/release

# include/wirelane.hpp: C++17/20/23 and sanitizer builds, compile-fail cases,
# clang-tidy use-after-move, the C++ examples.
cpp-test:
	$(MAKE) -C tests/cpp test

# The Python binding: runtime tests, mypy --strict, typing proofs, examples.
python-test:
	./bindings/python/run-tests.sh

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings
