# The two commands of the README:
#   make demo   build everything, then verify (and, later, run) a sandboxed program
#   make check  build everything and run every test
BUILD ?= build

.PHONY: all setup build demo check bench clean

all: build

setup:
	@sh scripts/setup.sh

$(BUILD)/build.ninja:
	@sh scripts/setup.sh
	meson setup $(BUILD)

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: build
	@sh examples/demo.sh $(BUILD)

check: build
	@sh scripts/check.sh $(BUILD)

bench: build
	@sh bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
