# The two commands of the quick start: `make lab` and `make test`.
# Both do all set-up that is missing first, and redo nothing that is done.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: lab test test-portable setup system system-tests venv kit doctor clean lint bench notebooks student unit uninstall test-user record-user record classroom-hub

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

venv: $(VENV)/.installed $(VENV)/.jupyter-config

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

# The kernels (podman-course, and podman-course-zh-cn: the kit in Chinese) and JupyterLab's
# classroom settings (no news prompt, the course kernel as default), all inside the venv:
# see scripts/install-jupyter-config.sh. Redone when those files change.
$(VENV)/.jupyter-config: $(VENV)/.installed scripts/install-jupyter-config.sh $(wildcard jupyter/*.json)
	bash scripts/install-jupyter-config.sh $(PY)
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

# Both editions: notebooks/ (English) and notebooks/zh-CN/ (markdown from notebooks/i18n/zh_CN/*.po,
# see scripts/translations.py; `python scripts/translations.py check` lists what needs a translator).
notebooks: venv
	$(PY) scripts/notebooks.py sync

# The student edition, from the teacher notebooks (notebooks/*.ipynb, with their outputs):
# solutions replaced by prompts, grades' outputs cleared. Written to notebooks/student/
# (git-ignored: made, never edited); see scripts/student.py and the README.
student: venv
	$(PY) scripts/student.py
	$(if $(wildcard notebooks/zh-CN/*.ipynb),$(PY) scripts/student.py --source notebooks/zh-CN --out notebooks/zh-CN/student)

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

# Replay mode's recordings (notebooks/recordings/, see kernel_helpers/replay.py): every notebook
# of both editions executed live, stored outputs and recordings refreshed (scripts/record.sh).
# A recording whose content is the same (sanitized) keeps its file: a re-record changes no file.
record: setup
	bash scripts/record.sh $(ARGS)

# The expected outputs of an ordinary user's run, where they differ from the stored (root) ones
# (tests/data/user-mode-outputs/, see tests/mode_outputs.py): recorded as a test account (root
# only), like test-user. Re-run it after a change to a cell whose output differs in user mode.
record-user:
	@if [ "$$(id -u)" -ne 0 ]; then echo "make record-user: run it as root (it creates and removes a test account)"; exit 2; fi
	bash scripts/record-user-outputs.sh $(if $(ARGS),-- $(ARGS))
