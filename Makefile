# The two commands a newcomer runs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HTMX := src/scamlink/web/static/vendor/htmx.min.js
CYTOSCAPE := src/scamlink/web/static/vendor/cytoscape.min.js
# The private lookup in the browser (static/lookup_private.js): phone numbers, the Public Suffix
# List and SHA-256/Keccak-256, from the same npm install.
PHONELIB := src/scamlink/web/static/vendor/libphonenumber-max.js
DEMO_DIR := var/demo
DEMO_REPORTS ?= 20000
DEMO_SEED ?= 7

.PHONY: run test bench install dev-install assets catalogs chromium fonts wrk lint lock clean

run: install assets fonts
	$(BIN)/scamlink db upgrade
	@test -f $(DEMO_DIR)/truth.csv || \
		$(BIN)/scamlink demo generate --reports $(DEMO_REPORTS) --seed $(DEMO_SEED) --out $(DEMO_DIR)
	$(BIN)/scamlink demo load $(DEMO_DIR) --if-empty
	@echo
	@echo "scamlink: http://127.0.0.1:8000"
	@echo "demo logins (password scamlink-demo): analyst@knpa.demo, analyst@rtp.demo, …,"
	@echo "  analyst@<agency code>.demo for every agency, partner@bank.demo, desk@kdesk.demo"
	@echo
	$(BIN)/scamlink serve

test: dev-install assets chromium fonts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -n 2 -p no:cacheprovider

bench: dev-install assets wrk
	$(BIN)/pip install --quiet --require-hashes -r requirements/bench.lock
	$(BIN)/python -m benchmarks

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "scamlink needs Python 3.11 or newer (set PYTHON=…)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.python-ok requirements/main.lock pyproject.toml
	$(BIN)/pip install --quiet --require-hashes -r requirements/main.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements/dev.lock
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	@touch $@

install: $(VENV)/.installed

dev-install: $(VENV)/.dev-installed

# Front-end packages come from the npm registry at build time; nothing is served from a CDN.
$(HTMX): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $@)
	cp node_modules/htmx.org/dist/htmx.min.js $@

# The campaign graph (Cytoscape.js), from the same npm install.
$(CYTOSCAPE): $(HTMX)
	cp node_modules/cytoscape/dist/cytoscape.min.js $@

$(PHONELIB): $(HTMX)
	cp node_modules/libphonenumber-js/bundle/libphonenumber-max.js $@
	cp node_modules/tldts/dist/index.esm.min.js $(dir $@)tldts.esm.min.js
	mkdir -p $(dir $@)noble-hashes
	cp node_modules/@noble/hashes/sha2.js node_modules/@noble/hashes/sha3.js \
		node_modules/@noble/hashes/_md.js node_modules/@noble/hashes/_u64.js \
		node_modules/@noble/hashes/utils.js $(dir $@)noble-hashes/

catalogs: install
	$(BIN)/pybabel -q compile -d src/scamlink/web/locale

assets: $(HTMX) $(CYTOSCAPE) $(PHONELIB) catalogs

# Page tests drive Debian's Chromium through Playwright (no browser download).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the page tests"; \
		apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }
	@command -v chromium >/dev/null 2>&1 || { echo "chromium is missing: apt-get install chromium"; exit 1; }

# PDFs (case dossiers, freeze requests; interop/pdf.py) render Korean, Thai and Khmer with
# Debian's Noto fonts, read through fontconfig: nothing is fetched while rendering. (Thai from
# Noto, not TLWG: with TLWG's fonts the PDF's text layer garbles Thai.) Pango and HarfBuzz's
# subsetter are WeasyPrint's system libraries.
PDF_FONTS := "Noto Sans CJK KR" "Noto Sans Thai" "Noto Sans Khmer" "Noto Sans Lao" "Noto Sans Myanmar"
fonts:
	@(for f in $(PDF_FONTS); do fc-list ":family=$$f" family | grep -q . || exit 1; done) || { \
		echo "installing Debian's fonts for Korean, Thai and Khmer PDFs"; \
		apt-get update -qq && apt-get install -y -qq fonts-noto-cjk fonts-noto-core \
			libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; }
	@for f in $(PDF_FONTS); do fc-list ":family=$$f" family | grep -q . || { \
		echo "the font $$f is missing: apt-get install fonts-noto-cjk fonts-noto-core"; exit 1; }; done

# The lookup's HTTP benchmark drives the server with Debian's wrk from another process.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
		echo "installing Debian's wrk for the HTTP benchmark"; \
		apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	@command -v wrk >/dev/null 2>&1 || { echo "wrk is missing: apt-get install wrk"; exit 1; }

# Re-pin dependencies after changing pyproject.toml.
lock: dev-install
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements/main.lock -q
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements/dev.lock -q
	$(BIN)/uv pip compile pyproject.toml --extra bench --python-version 3.11 --generate-hashes -o requirements/bench.lock -q

clean:
	rm -rf $(VENV) node_modules $(dir $(HTMX)) .mypy_cache .ruff_cache test-artifacts
