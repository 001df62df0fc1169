# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Podman course
#     language: python
#     name: podman-course
# ---

# %% [markdown]
# # 00 · Setting up: the tools, the classroom, your sandbox
#
# **Lecture notes:** "安装容器工具" (installing the container tools: `yum module install container-tools`).
#
# **Glossary:** [English ↔ 中文](GLOSSARY.md), every term of the course with its Chinese name.
#
# On RHEL the notes install the *container-tools* module. This course runs on any Linux host
# with Podman: `make lab` installed what was missing (if you are not root, root's `make system`
# installed the system packages first), and this notebook checks the result.
#
# **You will learn to**
# - read the kit's *doctor* table: which tools are installed, what works on this host and what the kit fixed;
# - see the **classroom registry**, a real registry server on this machine that replaces the Red Hat
#   registries;
# - run your first container with `%podman`, inside your own private *sandbox*.
#
# > **About the images.** Every image in this course is a *locally built stand-in*, made from
# > Debian packages by the kit's recipes in `images/`. None of them is a Red Hat image, even when
# > its name (`ubi8/ubi`, `rhel8/httpd-24`, …) is the one the notes use.

# %% tags=["parameters"]
# Parameters (papermill may override them)
TIMEOUT = 120

# %% [markdown]
# ## Load the kit
# `%load_ext kernel_helpers` gives this notebook the `%podman` and `%skopeo` magics and a
# private podman world, the **sandbox**: its own containers and storage, sharing the course
# images read-only. Nothing you do here touches another notebook's containers.

# %%
%load_ext kernel_helpers
%config PodmanMagics.timeout = TIMEOUT

# %% [markdown]
# ## The doctor
# One row per check. `Fix` shows what the kit applied for you (kept in a config file the kit
# owns, never in your own podman configuration), or what you would have to do.
#
# If the kernel runs as an ordinary user (your own laptop, a JupyterHub classroom), the table
# ends with more rows: `user mode` (who you are, and whether `sudo -n` works), then one
# `step …` row per root-only step of the course, with the lessons that use it. Its status
# says what you get instead: `rootless-equivalent` (a rootless step that teaches the same
# point) or `skip` (those cells print one line, `skipped: <reason>`). As root every step
# runs as written, and these rows are left out.
#
# The `course mode` row says whether the course runs **live** (the real podman, on this
# machine) or in **replay** mode. Replay is for a machine that cannot run podman: a Binder
# host, a laptop without podman, or one where the `container can start` check fails
# (`PODMAN_COURSE_MODE=replay` forces it, `live` forbids it). Each cell of the course then shows
# what it printed when the course was recorded on the real engine, under a ▶ mark, and a banner
# under `%load_ext` says why. In replay mode this table is itself a recording: its rows, `course
# mode` included (`live`), describe the machine the course was recorded on; the banner is what
# tells you that this kernel replays. A `%podman` command of your own answers only if the
# recording has it; labs, terminals and the widgets' buttons need the real podman.

# %%
from kernel_helpers import doctor

report = doctor.run()
report.frame()

# %% [markdown]
# Some rows describe **this host**, so they read differently on another machine, for example:
# which OCI runtime starts containers (podman's default is `crun`; crun refuses a hybrid cgroups
# set-up whose v2 hierarchy holds a controller, where `runc` still works), whether podman's
# default ulimits are permitted, the cgroups version, SELinux and the free disk. The kit's choice
# is in the `container can start` row.
#
# The same table is printed by `python -m kernel_helpers doctor` in a terminal.
#
# ## Which versions?
# The notes' `podman version` and `skopeo --version`, run for real:

# %%
%podman version

# %%
%skopeo --version

# %% [markdown]
# ## The classroom registry
# A real registry server (Debian's `docker-registry`) listens on this machine's loopback
# interface. Anyone may pull the course images from `localhost:5000`; pushing goes to
# `localhost:5001`, which asks for the course login (`student` / `redhat123`) and keeps what
# learners push apart from the course images. The course images:

# %%
import pandas as pd
from kernel_helpers import classroom

catalog = pd.DataFrame(classroom.catalog())
catalog

# %% [markdown]
# ## Your sandbox
# `%podman info` asks podman about its world. Look at the store: the graph root is private to
# this notebook, and the course images come from an *additional image store* (read-only).
# As an ordinary user the sandbox is your own rootless podman, so its stores lie under your
# home (`~/.local/share/podman-course` by default), not under `/var/lib/podman-course`.
# The OCI runtime is the program that really creates the container (`runc` or `crun`): the
# one the doctor found working on this host.

# %%
info = %podman info
info.df[info.df["Key"].isin(["OCI runtime", "Graph root", "Run root", "Additional image stores"])]

# %%
runtime = info.df.loc[info.df["Key"] == "OCI runtime", "Value"].iloc[0]
doctor_says = {c.name: c.status for c in report.checks}.get(f"runtime {runtime}")
print("the OCI runtime podman uses here passed the doctor's check:", doctor_says == "ok")

# %% [markdown]
# ## Your first container
# `podman run` starts a container from an image. `--rm` removes it when its command ends.

# %%
%podman run --rm busybox echo Hello from a container

# %% [markdown]
# `podman ps -a` lists the containers of your sandbox, running or not. The one above removed
# itself, so we start one that stays, in the background (`-d`). You may run any cell of the
# course again: a cell that makes a named container first removes the one it made before, with
# `podman(...)`, which is `%podman` as a Python function that returns the result instead of
# showing it.

# %%
from kernel_helpers.lesson import podman

podman("rm -f -t 0 first")  # left by an earlier run of this cell: removed first, nothing shown
%podman run -d --name first busybox sleep 600

# %%
%podman ps -a

# %% [markdown]
# The sandbox is only environment variables, so a shell command (`!podman`) and a Python
# subprocess see the same private world as `%podman`:

# %%
!podman ps -q | wc -l

# %%
import subprocess

subprocess.run(["podman", "ps", "--format", "{{.Names}}"], capture_output=True, text=True).stdout

# %% [markdown]
# ### Check yourself
# Exactly one container, named `first`, running.

# %%
ps = %podman ps -a
assert list(ps.df["Names"]) == ["first"], ps.df
assert ps.df["State"].iloc[0] == "running"
assert {"rhel8/httpd-24", "ubi8/ubi", "busybox"} <= set(catalog["repository"])
print("all good")

# %% [markdown]
# ## Clean up
# Remove what this notebook started. (Shutting the kernel down removes the whole sandbox too.)

# %%
%podman rm -f -t 0 first

# %% [markdown]
# ## Recap
# - `make lab` installed what was missing; the doctor's table says what works on this host
#   (and, as an ordinary user, what each root-only step does for you).
# - The classroom registry on this machine stands in for Red Hat's registries, offline.
# - `%podman` runs real podman in this notebook's own sandbox: your containers and images,
#   invisible to other notebooks, removed when the kernel stops.
#
# **Next:** [01 · Why containers?](01_why_containers.ipynb): the problem containers solve,
# made to happen for real. From notebook 02 on, each notebook ends with labs: tasks you do
# yourself, checked on the real engine by `%lab grade`.
