# The two commands of the quick start: `make lab` and `make test`.
# Both do all set-up that is missing first, and redo nothing that is done.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
PYTHON ?= python3
KERNEL := podman-course

.PHONY: lab test test-portable setup system system-tests venv kit doctor clean lint bench notebooks student unit uninstall test-user record-user classroom-hub

lab: setup
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks --ip=127.0.0.1 --no-browser \
	  $(if $(filter 0,$(shell id -u)),--allow-root)

test: system-tests
	bash scripts/run-tests.sh

setup: system venv kit

system:            # what the course needs (no browser)
	@bash scripts/install-system-packages.sh

system-tests:      # that, and what only the tests need (chromium, libatomic1)
	@bash scripts/install-system-packages.sh --tests

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Podman course"
	touch $@

kit: venv
	$(PY) -m kernel_helpers.i18n compile   # the kit's messages in 简体中文 (.po -> .mo)
	$(PY) -m kernel_helpers setup

doctor: venv
	$(PY) -m kernel_helpers doctor

clean:
	$(PY) -m kernel_helpers clean

# The classroom on JupyterHub (as root): one account per learner of ROSTER (CSV login,name[,role]).
classroom-hub: setup
	$(PY) -m kernel_helpers hub up $(if $(ROSTER),--roster $(ROSTER))

# Undo the kit's host changes (see kernel_helpers/uninstall.py). Needs no venv: the
# kit's CLI runs on the standard library, so a half-installed checkout can undo itself.
uninstall:
	$(if $(wildcard $(PY)),$(PY),PYTHONPATH=. $(PYTHON)) -m kernel_helpers uninstall

unit: venv
	$(PY) -m pytest tests/unit -q

lint: venv
	$(VENV)/bin/ruff check kernel_helpers tests benchmarks

notebooks: venv
	$(PY) scripts/notebooks.py sync

# The student edition, from the teacher notebooks (notebooks/*.ipynb, with their outputs):
# solutions replaced by prompts, grades' outputs cleared. Written to notebooks/student/
# (git-ignored: made, never edited); see scripts/student.py and the README.
student: venv
	$(PY) scripts/student.py

bench: setup
	$(PY) benchmarks/bench.py

# Every notebook again against a NEW state folder (images rebuilt, new registry data,
# another course user): what a new machine does. .ci/run calls it after `make test`.
test-portable: system venv
	bash scripts/test-portable.sh

# The tests as an ORDINARY user (root only): a test account made for the run, a clone of HEAD
# with its venv, `make test` (or ARGS, e.g. ARGS="make unit") as that user, then the account
# is removed again. See scripts/test-as-user.sh; its log is test-artifacts/test-as-user-*.log.
test-user:
	@if [ "$$(id -u)" -ne 0 ]; then echo "make test-user: run it as root (it creates and removes a test account)"; exit 2; fi
	bash scripts/test-as-user.sh $(if $(ARGS),-- $(ARGS))

# The expected outputs of an ordinary user's run, where they differ from the stored (root) ones
# (tests/data/user-mode-outputs/, see tests/mode_outputs.py): recorded as a test account (root
# only), like test-user. Re-run it after a change to a cell whose output differs in user mode.
record-user:
	@if [ "$$(id -u)" -ne 0 ]; then echo "make record-user: run it as root (it creates and removes a test account)"; exit 2; fi
	bash scripts/record-user-outputs.sh $(if $(ARGS),-- $(ARGS))
