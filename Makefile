# Octavo: `make demo` converts the bundled examples into out/, `make test` runs the suite
# (`make test-fast` skips the tests marked slow), and `make wheel` builds
# dist/octavo-*.whl, which carries styles/, the Lua filters and the profiles (it needs
# only Python and pip). The others start with `make setup`, which is idempotent: system
# packages (apt, as root or via sudo; chromium and its driver run the review page's
# browser tests), the virtualenv with Octavo and its test tools, and the Nu HTML checker.

VENV     := .venv
PYTHON   ?= python3
BIN      := $(VENV)/bin
APT_PKGS := fonts-noto-cjk fonts-hanazono fonts-noto-core fonts-noto-color-emoji libharfbuzz-subset0 poppler-utils qpdf \
            libpango-1.0-0 libpangoft2-1.0-0 make chromium chromium-driver
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VNU      := .tools/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: setup system demo test test-fast wheel bench clean

setup: system $(VENV)/.installed $(VNU)

system:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,dask]'
	touch $@

$(VNU):
	mkdir -p .tools
	cd .tools && npm install --silent --no-audit --no-fund vnu-jar@26.9.27

demo: setup
	$(BIN)/octavo convert examples -o out
	@ls -1 out

test: setup
	$(BIN)/python -m pytest -q

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow" --durations=10

wheel:
	$(PYTHON) -m pip wheel --no-deps -q -w dist .

bench: setup
	$(BIN)/python bench/run

clean:
	rm -rf out dist build .pytest_cache .hypothesis
