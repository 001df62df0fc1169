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
# # 07 · Containers as systemd services: user units, root units, `--new`, Quadlet
#
# **Lecture notes:** "Systemd 服务管理容器" (managing containers with systemd services),
# "创建和管理Systemd用户服务" (creating and managing systemd user services), "systemd 系统服务和
# user services 区别" (system services vs user services), "创建用于运行容器的专用用户帐户" (a
# dedicated account for containers), "创建 systemd user unit文件" (creating user unit files with
# `podman generate systemd`), "Systemd 启动和停止容器" (systemd starting and stopping containers),
# "Systemd管理以root用户身份运行的容器" (root containers under systemd) and the demo
# "演示实验---不使用new选项生成服务" (demo: a service generated without `--new`).
#
# **You will learn to**
# - tell **user units** (`~/.config/systemd/user`, `systemctl --user`, linger) from **system
#   units** (`/etc/systemd/system`, plain `systemctl`);
# - give containers a **dedicated account** and keep its services running with **linger**;
# - turn a running container into a unit with `podman generate systemd --name X --files`, with
#   and without `--new`, check both with `systemd-analyze verify`, and see what each unit's
#   start and stop do to the container;
# - do the notes' demo for real: `daemon-reload`, `enable --now container-myweb.service`, a
#   restart after the container is killed, and a stop;
# - write today's replacement, a **Quadlet** `.container` file, and run it.
#
# > **About the images.** Every image in this course is a *locally built stand-in*, made from
# > Debian packages by the kit's recipes in `images/`. None of them is a Red Hat image, even when
# > its name (`rhel8/httpd-24`, …) is the one the notes use.

# %% tags=["parameters"]
# Parameters (a batch run of the notebook may give other values)
TIMEOUT = 120
USER = "webadmin"  # the dedicated account inside the systemd host
PORT_INSIDE = 8080  # the web port inside the systemd host's own network (not the host's)

# %% [markdown]
# ## Load the kit

# %%
%load_ext kernel_helpers
%config PodmanMagics.timeout = TIMEOUT

# %% [markdown]
# ## User units and system units
# systemd manages two kinds of services. The notes' picture (image18) compares them; here it is
# as a table.

# %%
import pandas as pd

pd.DataFrame([
    ("unit files live in", "/etc/systemd/system", "~/.config/systemd/user"),
    ("controlled with", "systemctl …", "systemctl --user …"),
    ("started", "when the machine boots", "at the user's first login (or at boot, with linger)"),
    ("stopped", "when the machine shuts down", "at the user's last logout (unless linger)"),
    ("linger needed", "no", "yes, to run without a login: loginctl enable-linger USER"),
    ("runs containers as", "root (rootful podman)", "the user (rootless podman)"),
    ("session needed for systemctl", "no", "a real login (console, ssh); sudo or su is not enough"),
], columns=["", "system unit (root)", "user unit (rootless)"])

# %% [markdown]
# ## A machine with systemd
# Services need systemd running as **PID 1**. Many machines that run this course do not have
# it: containers, CI runners and this kit's own machines start another program as PID 1.
#
# > As an ordinary user the cells that use the systemd host, from here to the end of the
# > Quadlet section, print `skipped:` because the systemd host is a privileged container, which
# > needs root; the text below shows what root sees. The cells that run on this machine itself
# > still run, and so does the unit generator at the end, on a container of your own sandbox.

# %%
from pathlib import Path

pid1 = Path("/proc/1/comm").read_text().strip()
print("PID 1 on this machine is systemd:", pid1 == "systemd")

# %% [markdown]
# So the kit gives this notebook a **systemd host**: a Debian 13 machine in a container, whose
# PID 1 is real systemd, with podman inside. It is built locally by the kit (recipe
# `images/systemd-host`) and started in this notebook's sandbox:
# - `--privileged` and `--cgroupns=private`: systemd and podman inside manage cgroups, in a cgroup
#   namespace of their own;
# - `--network slirp4netns:allow_host_loopback=true`: a network of its own, from which `10.0.2.2`
#   is this machine's loopback, where the classroom registry listens;
# - two volumes for the images of the podman inside: root's `/var/lib/containers` and the
#   dedicated user's `~/.local/share/containers`. Image layers must not sit on the container's
#   own root: where this machine's podman keeps containers on fuse-overlayfs (a container
#   nested in a container, for instance), that root refuses the `.wh.*` files a rootless pull
#   writes for deleted files, and the user's first pull fails with `open …/.wh.lock: invalid
#   argument`.
#
# Its podman is version 5, newer than this machine's: it has Quadlet, which we use at the end.
# Commands run inside are shown with the prompt of the user who runs them.

# %%
from kernel_helpers.lesson import podman
from kernel_helpers.systemd_host import SystemdHost

podman("rm -f -v -t 0 systemd-host")  # left by an earlier run of this cell: removed first, nothing shown
host = SystemdHost.start(timeout=TIMEOUT)
host

# %%
host("systemctl is-system-running")

# %%
host("podman --version")

# %%
host.sh("systemctl --version | head -1")

# %% [markdown]
# ## A dedicated account for containers
# The notes advise one ordinary account that owns all the rootless containers of a service. The
# systemd host has one, `webadmin`. Its services must keep running when nobody is logged in, so we
# turn on **linger** for it: systemd then starts the user's service manager at boot.

# %%
host(f"id {USER}")

# %%
host(f"loginctl enable-linger {USER}")

# %% [markdown]
# systemd needs a moment to act on it. `wait_for(command, expected)` runs a command inside
# until it prints what we expect, and returns that run, shown under the cell. The asking again
# is done by `wait_until`, from the kit's lesson API (`kernel_helpers.lesson`). If the answer
# never comes, the cell stops with an error after 30 seconds (or the `seconds` given), showing
# the last answer: the command's exit status and what it printed.

# %%
from kernel_helpers.lesson import wait_until


def wait_for(command, expected, user=None, seconds=30):
    """Run COMMAND inside until its output is EXPECTED (up to SECONDS); return that result."""
    return wait_until(lambda: host(command, user=user), until=lambda r: r.stdout.strip() == expected,
                      timeout=seconds, interval=0.3, what=f"{command!r} to print {expected!r}")


# %%
wait_for(f"loginctl show-user {USER} --property=Linger --property=State", "State=lingering\nLinger=yes")

# %% [markdown]
# ### Getting into the user's session
# `systemctl --user` talks to the user's own service manager, which it finds through the session
# variables (`XDG_RUNTIME_DIR`). A real login (console or `ssh webadmin@host`) opens a session and
# sets them. `sudo` and `su` from another account do not open a login session for the user: on
# RHEL 8, `systemctl --user` then fails with `Failed to connect to bus: No such file or directory`,
# which is why the notes insist on a real login. (Newer systems, like this Debian 13 host, set the
# variable even for `su`; do not count on it.) The real ways in (the last three need no password
# when run as root):
# - `ssh webadmin@host`, the notes' way, on any release;
# - `machinectl shell webadmin@` (package `systemd-container`), on RHEL 8 too;
# - `systemctl --user -M webadmin@ …` (systemd 248 and later, so RHEL 9, not RHEL 8's 239);
# - `run0 -u webadmin …` (systemd 256 and later): it opens a real PAM session, like a login.
#
# This systemd host has no ssh server and no `machinectl`. `-M webadmin@` needs the user's own
# D-Bus (package `dbus-user-session`), which this minimal host lacks, so it fails here, and says so:

# %%
host(f"systemctl --user -M {USER}@ is-system-running")

# %% [markdown]
# (The message says "system scope": that is the bridge's generic wording; the missing file is
# webadmin's `/run/user/1000/bus`.)
#
# `run0` works: it asks systemd to open a real session for `webadmin`, with the session's
# variables set, as a login would (`--wait` waits until the user's service manager has started).

# %%
host.sh(f"run0 -u {USER} sh -c 'echo XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR; systemctl --user is-system-running --wait'")

# %% [markdown]
# **A shortcut, for the rest of this notebook.** `host(..., user=USER)` runs each command with
# `podman exec --user webadmin` and puts `XDG_RUNTIME_DIR` and `DBUS_SESSION_BUS_ADDRESS` into its
# environment by hand. That is exactly the `su` shortcut the notes warn about: no session is
# opened, the variables are only copied. It works here because linger keeps webadmin's service
# manager running; on a real machine, log in (or use one of the ways above) instead.

# %%
wait_for("systemctl --user is-system-running", "running", user=USER)

# %% [markdown]
# ## The notes' demo: a user service, generated without `--new`
# First the web content and the container, as in the storage notebook (06).

# %%
host.sh("mkdir -p ~/webcontent/html && echo 'hello world' > ~/webcontent/html/index.html", user=USER)

# %%
host("podman pull -q registry.redhat.io/rhel8/httpd-24:1-105", user=USER)

# %%
host("podman rm -f -t 0 myweb", user=USER)  # left by an earlier run of this cell: removed first, nothing shown
host(f"podman run -d --name myweb -p {PORT_INSIDE}:8080 -v /home/{USER}/webcontent:/var/www:Z "
     "registry.redhat.io/rhel8/httpd-24:1-105", user=USER)


# %% [markdown]
# The web server is in the systemd host's own network: we ask it with `curl` from inside, as
# `webadmin`, again until it answers (a server needs a moment to start listening).

# %%
def curl(port=PORT_INSIDE, seconds=15):
    """curl the web server inside the systemd host, retrying while it starts."""
    return wait_for(f"curl -s http://localhost:{port}", "hello world", user=USER, seconds=seconds)


# %%
curl()

# %% [markdown]
# Now the unit. `--name myweb` picks the container and names the file
# `container-myweb.service`; `--files` writes it into the current folder instead of printing it.
# The systemd host's podman 5 adds that the command is deprecated in favour of Quadlet (deprecated
# since podman 4.7; see the end).

# %%
UNITS = f"/home/{USER}/.config/systemd/user"
host(f"mkdir -p {UNITS}", user=USER)

# %%
host("podman generate systemd --name myweb --files", user=USER, cwd=UNITS)

# %%
host(f"cat {UNITS}/container-myweb.service", user=USER)

# %% [markdown]
# Read `[Service]`: `ExecStart` is `podman start myweb` and `ExecStop` is `podman stop myweb`.
# This unit manages the **existing** container; it never creates or removes it.
#
# Is the file valid? `systemd-analyze verify` loads it with systemd's own parser and checks
# every setting and every program it names. No output means no problem.

# %%
host("systemd-analyze --user verify --man=no container-myweb.service", user=USER, cwd=UNITS)

# %% [markdown]
# Then the notes' steps: stop the container that we started by hand, tell systemd to read the
# new file, and enable and start the service in one go.

# %%
host("podman stop myweb", user=USER)

# %%
host("systemctl --user daemon-reload", user=USER)

# %%
host("systemctl --user enable --now container-myweb.service", user=USER)


# %%
def service(unit="container-myweb.service", user=USER):
    """The unit's state, in stable fields."""
    flag = "--user " if user else ""
    return host(f"systemctl {flag}show {unit} --property=ActiveState --property=UnitFileState "
                "--property=NRestarts", user=user)


def host_containers(user=USER):
    """The systemd host's containers (USER's, or root's with user=None): names and states."""
    return host("podman ps -a --format '{{.Names}} {{.State}}'", user=user)


service()

# %%
host_containers()

# %%
curl()

# %% [markdown]
# ### Restart after a crash
# The unit says `Restart=on-failure`. Kill the container behind systemd's back: systemd sees its
# service fail and starts it again (`NRestarts` counts it).

# %%
host("podman kill myweb", user=USER)

# %%
wait_for("systemctl --user show container-myweb.service --property=NRestarts --property=ActiveState",
         "NRestarts=1\nActiveState=active", user=USER)

# %%
curl()

# %% [markdown]
# ### Stop
# Without `--new`, stopping the service **stops** the container, which stays on disk (`exited`).

# %%
host("systemctl --user stop container-myweb.service", user=USER)

# %%
host_containers()

# %% [markdown]
# ### Check yourself
# The service is enabled but inactive, and the container still exists, stopped.

# %%
if host.skipped:  # an ordinary user: the systemd host needs root (one line, why)
    print(host.skipped)
else:
    state = service().stdout
    assert "ActiveState=inactive" in state and "UnitFileState=enabled" in state, state
    assert host_containers().stdout.split() == ["myweb", "exited"], host_containers()
    print("all good")

# %% [markdown]
# ## With `--new`: a fresh container at every start
# Generate the unit again, with `--new`, and compare the two files. `-` lines are only in the
# unit without `--new`, `+` lines only in the new one. (As an ordinary user both texts are
# empty, since they come from the skipped systemd host: the diff shows nothing, and the two
# checks below print the skip line.)

# %%
from kernel_helpers import units

plain = host(f"cat {UNITS}/container-myweb.service", user=USER).stdout
host("podman generate systemd --name myweb --new --files", user=USER, cwd=UNITS)
new = host(f"cat {UNITS}/container-myweb.service", user=USER).stdout
print(units.diff(plain, new))

# %% [markdown]
# The new `ExecStart` is a whole `podman run --rm --replace -d --name myweb …`: the unit file
# alone can re-create the service on any machine that has the image. `ExecStopPost` removes the
# container. Both units are valid for this machine's systemd too (version 252, checked here by
# the kit's `units.verify`, without running anything):

# %%
units.verify(plain, "container-myweb.service") if not host.skipped else print(host.skipped)

# %%
units.verify(new, "container-myweb.service") if not host.skipped else print(host.skipped)

# %% [markdown]
# The container we made by hand is no longer needed: the unit creates its own. Remove it, reload,
# and start the service.

# %%
host("podman rm myweb", user=USER)

# %%
host("systemctl --user daemon-reload", user=USER)

# %%
host("systemctl --user start container-myweb.service", user=USER)

# %%
host_containers()

# %%
curl()

# %% [markdown]
# Stop the service: with `--new` the container is **removed**, not only stopped.

# %%
host("systemctl --user stop container-myweb.service", user=USER)

# %%
host_containers()

# %% [markdown]
# ### Check yourself
# Without `--new`, stop left an `exited` container; with `--new` nothing is left.

# %%
if host.skipped:  # an ordinary user: the systemd host needs root (one line, why)
    print(host.skipped)
else:
    assert host_containers().stdout.strip() == "", host_containers()
    assert "--rm" in units.sections(new).query("key == 'ExecStart'")["value"].item()
    print("all good")

# %% [markdown]
# ## Root containers: system units in `/etc/systemd/system`
# A container run by root is managed like any system service: the unit goes to
# `/etc/systemd/system`, `systemctl` has no `--user`, and no linger is needed. It starts at boot.
# These steps need root, so they run as root inside the systemd host: only root may write to
# `/etc/systemd/system` and start or enable system units (or an admin, after a password
# prompt). (The notes' reason: the unit then works like any other system unit, with no
# dedicated user; another common one is a port below 1024, which the notes say a rootless
# container cannot publish.)

# %%
host("podman pull -q registry.redhat.io/rhel8/httpd-24:latest")

# %%
host("podman rm -f -t 0 rootweb")  # left by an earlier run of this cell: removed first, nothing shown
host("podman run -d --name rootweb -p 8081:8080 registry.redhat.io/rhel8/httpd-24:latest")

# %%
host("podman generate systemd --name rootweb --new --files", cwd="/etc/systemd/system")

# %%
host("systemd-analyze verify --man=no container-rootweb.service", cwd="/etc/systemd/system")

# %%
host("podman rm -f -t 0 rootweb")

# %%
host("systemctl daemon-reload")

# %%
host("systemctl enable --now container-rootweb.service")

# %%
service("container-rootweb.service", user=None)

# %%
host_containers(user=None)

# %%
host.sh("curl -s http://localhost:8081 | grep -o '<title>.*</title>'")

# %%
host("systemctl disable --now container-rootweb.service")

# %%
host_containers(user=None)

# %% [markdown]
# ## Today: Quadlet
# **Quadlet** arrived in podman 4.4, and `podman generate systemd` was deprecated in podman 4.7
# in its favour (it still works, with a warning). Quadlet turns a short declarative `.container`
# file into a service when systemd reloads: you describe the container, a systemd *generator*
# writes the unit. Root's files go to `/etc/containers/systemd/`, a user's to
# `~/.config/containers/systemd/`.
#
# This machine's podman cannot do it (podman 4.3 is older than Quadlet):

# %%
import subprocess

version = subprocess.run(["podman", "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
quadlet_here = Path("/usr/libexec/podman/quadlet").exists()
print(f"{version}: Quadlet available here: {quadlet_here}")

# %% [markdown]
# The systemd host's podman 5 can. The same web service as before, as a user's Quadlet file.
#
# One line is for cgroups v1 only: Quadlet runs podman with `--cgroups=split`, which a rootless
# user's service cannot use on cgroups v1, and this machine has cgroups v1. So does a default RHEL 8, the release the notes
# were written for (`ubi8` images, `yum module`, the version 1 `registries.conf`): RHEL 8 boots
# with cgroups v1 unless told otherwise, RHEL 9 with v2. Without the `PodmanArgs` line the
# service fails here with `mkdir /sys/fs/user.slice: permission denied`.

# %%
QUADLETS = f"/home/{USER}/.config/containers/systemd"
host.write(f"{QUADLETS}/qweb.container", f"""\
[Unit]
Description=The course's web server, described by Quadlet

[Container]
Image=registry.redhat.io/rhel8/httpd-24:1-105
ContainerName=qweb
PublishPort={PORT_INSIDE}:8080
Volume=/home/{USER}/webcontent:/var/www:Z
# this machine has cgroups v1: no --cgroups=split
PodmanArgs=--cgroups=enabled

[Install]
WantedBy=default.target
""", user=USER)

# %% [markdown]
# What the generator will make of it (`--dryrun` prints the unit instead of installing it):

# %%
host("/usr/lib/systemd/user-generators/podman-user-generator --user --dryrun", user=USER)

# %% [markdown]
# A reload runs the generator; `qweb.service` then exists, with no file of ours in
# `~/.config/systemd/user`. Generated units cannot be *enabled*: the `[Install]` section already
# did that, so `start` is all we need.

# %%
host("systemctl --user daemon-reload", user=USER)

# %%
host("systemctl --user start qweb.service", user=USER)

# %%
service("qweb.service")

# %%
host_containers()

# %%
curl()

# %%
host("systemctl --user stop qweb.service", user=USER)

# %%
host_containers()

# %% [markdown]
# ### Check yourself
# The Quadlet service ran the container and, like `--new`, removed it at stop.

# %%
if host.skipped:  # an ordinary user: the systemd host needs root (one line, why)
    print(host.skipped)
else:
    assert "ActiveState=inactive" in service("qweb.service").stdout
    assert host_containers().stdout.strip() == ""
    print("all good")

# %% [markdown]
# ## Try it yourself: the unit generator
# The widget below generates both units for a container of **this** notebook's sandbox (this
# machine's podman 4.3), checks each with `systemd-analyze verify`, and shows their diff. Toggle
# `--new` and compare with what you saw above.

# %%
podman("rm -f -t 0 myweb")  # left by an earlier run of this cell: removed first, nothing shown
%podman run -d --name myweb registry.redhat.io/rhel8/httpd-24:latest

# %%
%podman_widget units myweb

# %% [markdown]
# ## Clean up
# Removing the systemd host stops everything inside it (its services, containers and images go
# with its volume).

# %%
host.remove()

# %%
%podman rm -f -t 0 myweb

# %%
%podman rmi registry.redhat.io/rhel8/httpd-24:latest

# %%
%podman ps -a

# %% [markdown]
# ## Your turn: two labs
# As in notebooks 02-06: `%lab start NAME` resets the lab and shows the task with its hints
# (open them one at a time), you type your commands under **Your answer**, and
# `%lab grade NAME` checks the units in the systemd host: PASS or FAIL per check, with a hint
# for each FAIL. Grading changes nothing; starting again resets the lab.
#
# Each lab boots a systemd host of its own, `lab-systemd-host`, and its finish removes it with
# all it holds. The task shows the name; `SYSTEMD_HOST` holds it here too, so you can type
# `{SYSTEMD_HOST}` (`%podman` expands it). There is one such host at a time: finish the first lab before you start the second.
# You reach the host with `%podman exec`, as root or as `webadmin`: the task shows how.
#
# > As an ordinary user both labs print `skipped:` (in `%lab start`, the answer cells and
# > `%lab grade`) because they boot the privileged systemd host, which needs root; `%lab
# > finish` then has nothing to remove.

# %%
SYSTEMD_HOST = "lab-systemd-host"  # the systemd host the labs boot

# %% [markdown]
# ### Lab 07-user-unit: a user unit made with `--new`, enabled with linger, back after `rm -f` and a reboot

# %%
%lab start 07-user-unit

# %% [markdown]
# #### Your answer
# Linger as root, one line; then `webadmin`'s commands in `%%podman exec -i -u webadmin ...`
# cells; then the reboot, and a cell that waits for the machine. After `enable-linger`,
# webadmin's service manager needs a moment to start: wait for `systemctl --user
# is-system-running` before the first `systemctl --user`.

# %% tags=["solution"]
%podman exec {SYSTEMD_HOST} loginctl enable-linger webadmin

# %% tags=["solution"]
%%podman exec -i -u webadmin -e XDG_RUNTIME_DIR=/run/user/1000 -w /home/webadmin {SYSTEMD_HOST} bash
for i in $(seq 100); do systemctl --user is-system-running >/dev/null 2>&1 && break; sleep 0.2; done
podman run -d -q --name web registry.redhat.io/rhel8/httpd-24

# %% tags=["solution"]
%%podman exec -i -u webadmin -e XDG_RUNTIME_DIR=/run/user/1000 -w /home/webadmin {SYSTEMD_HOST} bash
mkdir -p ~/.config/systemd/user && cd ~/.config/systemd/user
podman generate systemd --name web --new --files
systemd-analyze --user verify --man=no container-web.service
systemctl --user daemon-reload
systemctl --user enable --now container-web.service

# %% tags=["solution"]
%%podman exec -i -u webadmin -e XDG_RUNTIME_DIR=/run/user/1000 -w /home/webadmin {SYSTEMD_HOST} bash
podman rm -f web

# %% tags=["solution"]
%podman restart -t 5 {SYSTEMD_HOST}

# %% tags=["solution"]
%%podman exec -i {SYSTEMD_HOST} bash
for i in $(seq 100); do systemctl is-system-running --wait 2>/dev/null | grep -qx 'running\|degraded' && break; sleep 0.3; done
systemctl is-system-running | grep -qx 'running\|degraded' && echo "the systemd host is up again"

# %% [markdown]
# #### Check your work

# %%
%lab grade 07-user-unit

# %% [markdown]
# #### Finish it before the next lab
# It removes the systemd host, with webadmin's unit and container.

# %%
%lab finish 07-user-unit

# %% [markdown]
# ### Lab 07-root-unit: a root container as a system unit in `/etc/systemd/system`
# This time as the host's root: `%%podman exec -i {SYSTEMD_HOST} bash` cells, no `--user`,
# no linger.

# %%
%lab start 07-root-unit

# %% [markdown]
# #### Your answer

# %% tags=["solution"]
%%podman exec -i {SYSTEMD_HOST} bash
podman run -d -q --name rootweb registry.redhat.io/rhel8/httpd-24
cd /etc/systemd/system
podman generate systemd --name rootweb --new --files
systemd-analyze verify --man=no container-rootweb.service

# %% tags=["solution"]
%%podman exec -i {SYSTEMD_HOST} bash
systemctl daemon-reload
systemctl enable --now container-rootweb.service

# %% tags=["solution"]
%podman restart -t 5 {SYSTEMD_HOST}

# %% tags=["solution"]
%%podman exec -i {SYSTEMD_HOST} bash
for i in $(seq 100); do systemctl is-system-running --wait 2>/dev/null | grep -qx 'running\|degraded' && break; sleep 0.3; done
systemctl is-system-running | grep -qx 'running\|degraded' && echo "the systemd host is up again"

# %% [markdown]
# #### Check your work

# %%
%lab grade 07-root-unit

# %% [markdown]
# ### Clean up the lab

# %%
%lab finish 07-root-unit

# %% [markdown]
# ## Recap
# - User units live in `~/.config/systemd/user` and run with `systemctl --user` (and linger,
#   to outlive the login); system units live in `/etc/systemd/system`.
# - `podman generate systemd --name X --files` writes a unit; with `--new` the unit creates
#   the container at start and removes it at stop.
# - Quadlet's `.container` file is today's way: systemd generates the unit from it.
#
# This is the last notebook: back to [the start](00_setup.ipynb), or pick a lab from
# `%lab list`.
