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
# # 05 · Namespaces: what a container shares with the host, and what it does not
#
# **Lecture notes:** "容器隔离" (container isolation): "容器使用namespace提供独立的隔离环境"
# (*containers use namespaces to give an independent, isolated environment*) and
# "容器内运行的进程与主机上的所有其它进程隔离" (*the processes running in a container are isolated
# from all the other processes of the host*); and "无根容器" (rootless containers), for the
# user namespace of `podman unshare`.
#
# A container is not a small virtual machine: its processes are ordinary processes of the host,
# run by the host's kernel. What makes them *feel* alone is a set of **namespaces**: the kernel
# gives each process its own copy of some of the host's resources (the process list, the host
# name, the network, the mounted file systems, ...). This notebook looks at them for real.
#
# **You will learn to**
# - read a process's namespaces in `/proc/PID/ns/*`, and compare the host's with a container's,
#   one namespace type after the other;
# - explain why a root container on this host shares the `cgroup`, `time` and `user`
#   namespaces with the host, and why a rootless container has its own `user` namespace;
# - find the host PID of a container's PID 1 (`podman inspect`, `/proc` and `ps` on the host);
# - say what a container can and cannot see: processes, host name, network interfaces, mounts;
# - enter the rootless user namespace with `podman unshare`, and read its uid map.
#
# > **About the images.** Every image in this course is a *locally built stand-in*, made from
# > Debian packages by the kit's recipes in `images/`. None of them is a Red Hat image, even when
# > its name (`ubi8/ubi`, `rhel8/httpd-24`, …) is the one the notes use. The sandbox's
# > registries.conf sends `registry.access.redhat.com/...` and `registry.redhat.io/...` to the
# > classroom registry on `localhost:5000`.

# %% tags=["parameters"]
# Parameters (a batch run of the notebook may give other values)
TIMEOUT = 120
NAME = "web"    # the sandbox's container we look into (root's in a root kernel), the notes' web server
RNAME = "rweb"  # the same image, run by the unprivileged course user (rootless)
BOX = "box"     # a one-process container, for the namespace view widget

# %% [markdown]
# ## Load the kit
# `%podman` runs real podman in this notebook's private sandbox (see notebook 00): as root when
# the kernel is root, as you (rootless) when it runs as an ordinary user.
# `%podman --rootless` runs it as an unprivileged user: in a root kernel the kit's account
# `podman-student`, as an ordinary user you yourself.

# %%
%load_ext kernel_helpers
%config PodmanMagics.timeout = TIMEOUT

import ipaddress
import os
import pwd
import re
import socket
import subprocess
from pathlib import Path

import pandas as pd
from kernel_helpers import namespaces as ns
from kernel_helpers.lesson import podman, root_step, rootless_available, rootless_world, wait_until

# %% [markdown]
# ### Host PIDs get labels
# Every process has a number, its **PID**. The numbers the *host* gives are different on every
# run (they depend on everything else the machine did since it booted), so this notebook never
# prints them. It prints a label instead: the first host PID we meet becomes `<host PID A>`,
# the next `<host PID B>`, and so on. The numbers are still used for real in every comparison.
#
# Inside the container, PID 1 is always 1. The web server's two *workers* get small numbers,
# but not always the same ones (how many numbers apache's start-up uses first varies a
# little), so they are printed as `<worker 1>` and `<worker 2>`, in PID order.
#
# `labelled(tree)` puts those labels in the kit's process tree (`ns.process_tree`, section 3).

# %%
HOST_PIDS = {}  # host PID -> its label


def host_label(pid):
    """The stable label of a host PID: <host PID A>, <host PID B>, ... in the order we meet them."""
    pid = int(pid)
    if pid not in HOST_PIDS:
        HOST_PIDS[pid] = f"<host PID {chr(ord('A') + len(HOST_PIDS))}>"
    return HOST_PIDS[pid]


# %%
def inside_labels(pids):
    """{PID inside: label}: PID 1 stays 1, the others become <worker 1>, <worker 2>... in order."""
    others = sorted(int(p) for p in pids if int(p) != 1)
    return {1: 1, **{pid: f"<worker {n}>" for n, pid in enumerate(others, 1)}}


def labelled(tree):
    """The kit's process tree (`ns.process_tree`), with its PIDs replaced by their labels."""
    return tree.assign(**{"PID inside": tree["PID inside"].map(inside_labels(tree["PID inside"])),
                          "PID on host": tree["PID on host"].map(host_label)})


# %% [markdown]
# `on_host(...)` runs a command on the host (where this notebook's kernel runs), outside any
# container.

# %%
def on_host(*argv):
    """Run ARGV on the host, not in a container; return its output."""
    return subprocess.run(argv, capture_output=True, text=True, check=True, timeout=60).stdout


# %% [markdown]
# `wait_for_workers(name)` waits until the web server in a container has started its two
# workers, and says how many processes it has. It watches from the host with `pgrep -P` (the
# children of the container's main process): cheap, and no podman command each time it asks.
# `wait_until`, from the kit's lesson API (`kernel_helpers.lesson`), asks again and again
# until the answer is there; if it never is, the cell stops with an error after 30 seconds,
# showing the last answer (the PIDs `pgrep` found).

# %%
def wait_for_workers(name, rootless=False):
    """How many processes httpd in NAME has, once its 2 workers started (up to 30 s)."""
    pgrep = ["pgrep", "-P", str(ns.container_pid(name, rootless=rootless))]

    def children():  # the PIDs of the container's main process's children
        return subprocess.run(pgrep, capture_output=True, text=True, timeout=30).stdout.split()

    workers = wait_until(children, until=lambda found: len(found) >= 2, timeout=30, interval=0.2,
                         what=f"the 2 workers of {name}")
    return 1 + len(workers)


# %% [markdown]
# The rootless part of this notebook (section 5) needs an unprivileged user (in a root kernel
# the kit's account `podman-student`; as an ordinary user, you). A cell that needs it starts
# with `if rootless_available():` (lesson API), which prints `skipped:` and the reason where
# rootless podman cannot run.

# %%
if rootless_available():
    print("rootless lessons: available")

# %% [markdown]
# ## 1. A container to look at
# We run the notes' web server image in the background, named `web`. First we pull it quietly
# (`-q` prints only the image ID), so the `run` output stays short.
#
# > As an ordinary user your sandbox is rootless, so `web` is a rootless container, and
# > sections 2-4 show you what section 5 explains: its own `user` namespace, you and a bare
# > number as its users on the host, slirp4netns' `tap0` as its network. The cells that check
# > root's facts (the three *Check yourself* cells, the host's veth and bridge) print
# > `skipped:` because those facts do not hold rootless; the text below shows what root sees,
# > and says where yours differs.

# %%
%podman pull -q registry.redhat.io/rhel8/httpd-24:latest

# %%
podman("rm -f -t 0 {NAME}")  # left by an earlier run of this cell: removed first, nothing shown
%podman run -d --name {NAME} registry.redhat.io/rhel8/httpd-24:latest

# %% [markdown]
# The web server takes a moment to start: its main process, then two *worker* processes that
# answer the requests. We wait for all three before looking.

# %%
print(f"processes in {NAME}:", wait_for_workers(NAME))

# %% [markdown]
# ## 2. Namespaces, read from `/proc`
# Linux keeps, for every process, a folder `/proc/PID/ns` with one entry per **namespace
# type**. Each entry names the namespace the process is in, as `type:[number]`. Two processes
# are in the same namespace exactly when the numbers are equal. `self` is the process that
# reads, here this notebook's Python kernel, which runs on the host:

# %%
for kind, identity in ns.namespaces_of("self").items():
    print(f"/proc/self/ns/{kind:<18} -> {identity}")

# %% [markdown]
# (The numbers are different on every machine and every boot.) `pid_for_children` and
# `time_for_children` are the namespaces this process's *future children* will get; usually the
# same as its own.
#
# ### The host next to the container
# The kit finds the host PID of the container's main process (`podman inspect`, section 3),
# reads its `/proc/PID/ns`, and puts both side by side. `isolated` is `True` where the
# container has a namespace of its own:

# %%
table = ns.namespace_table(NAME)
table

# %% [markdown]
# **Its own** (`isolated`): `pid` (its own process numbers: section 3), `uts` (its own host
# name), `net` (its own network interfaces), `mnt` (its own mounted files, its own `/`) and
# `ipc` (its own shared memory). Those are section 4.
#
# **Shared with the host**: `cgroup`, `time` and `user`. Each for its own reason.
#
# ### Why `cgroup` is shared here
# *Control groups* (cgroups) are how the kernel counts and limits the CPU and memory of a group
# of processes. Podman puts each container in a cgroup of its own, but whether the container
# also gets a cgroup **namespace** (its own view of the cgroup tree) depends on the host's
# cgroup version. This host runs cgroups **v1**:

# %%
cgroups_version = %podman info --format '{{.Host.CgroupsVersion}}'
cgroups_version

# %% [markdown]
# On cgroups v1, podman's default is `--cgroupns=host` (on v2 it is `private`). So the
# container sees the host's cgroup tree, with its own cgroup's full host path in it, which
# ends in `libpod_parent/libpod-` + the container ID. (What comes before depends on where the
# host itself sits in the tree: on a machine that is itself a container, it starts with that
# container's cgroup.) As an ordinary user on cgroups v1 the path ends otherwise: rootless
# podman makes no cgroup for a container there, so it stays in a cgroup it inherited.
# `/proc/1/cgroup` inside has one line per hierarchy; the memory line:

# %%
def cgroup_path(text):
    """The path in /proc/PID/cgroup TEXT: of the memory hierarchy (v1), or the only one (v2)."""
    lines = text.splitlines()
    line = next((ln for ln in lines if ":memory:" in ln), lines[-1])
    return line.split(":", 2)[2]


CGROUPS_V2 = cgroups_version.stdout.strip() == "v2"
r = %podman exec {NAME} cat /proc/1/cgroup
container_cgroup = cgroup_path(r.stdout)
print(f"inside {NAME}, the memory line of /proc/1/cgroup ends in:",
      "/".join(container_cgroup.split("/")[-2:]))
print("a path in the host's tree (not the root /):", container_cgroup != "/")

# %% [markdown]
# Asking for a private cgroup namespace changes both: a new namespace number, and the
# container sees its own cgroup as the root `/` of the tree.

# %%
private_readlink = %podman run --rm --cgroupns=private ubi8/ubi readlink /proc/self/ns/cgroup
private_readlink

# %%
private_ns = private_readlink.stdout.strip()
private = %podman run --rm --cgroupns=private ubi8/ubi cat /proc/self/cgroup
private_cgroup = cgroup_path(private.stdout)
print("with --cgroupns=private, /proc/self/cgroup:", private_cgroup)

# %% [markdown]
# ### Why `time` is shared
# A *time* namespace gives a container its own boot clock (how long since the machine
# started). Podman 4.3 never asks for one, and `podman run` has no option for it, so every
# container reads the host's clocks. The seconds since boot, inside and on the host:

# %%
r = %podman exec {NAME} cat /proc/uptime
inside_uptime = float(r.stdout.split()[0])
host_uptime = float(Path("/proc/uptime").read_text().split()[0])
print("seconds since boot, inside and on the host, less than 5 s apart:",
      abs(inside_uptime - host_uptime) < 5)

# %% [markdown]
# ### Why `user` is shared (for a root container)
# A *user* namespace renumbers users: uid 0 (root) inside can be someone else outside. Podman
# run **by root** creates none unless asked (`--userns`, `--uidmap`): root in the container is
# root on the host. The kit's process table (section 3) shows it: the user inside (from
# `podman top`) next to the user on the host (read on the host, in `/proc`). As an ordinary
# user the table above already says `isolated` for `user`, and this one shows you and a bare
# number on the host: your `web` is rootless, which cannot do without a user namespace.

# %%
ns.process_tree(NAME)[["user inside", "user on host", "command"]]

# %% [markdown]
# A **rootless** container cannot do without one: section 5.
#
# ### Check yourself
# The root container has its own `ipc`, `mnt`, `net`, `pid` and `uts` namespaces, shares
# `cgroup`, `time` and `user` with the host, and a `--cgroupns=private` container does not
# share `cgroup`.

# %%
own = set(table[table["isolated"]]["namespace"])
shared = set(table[~table["isolated"]]["namespace"])
host_cgroup = ns.namespaces_of("self")["cgroup"]
by_version = {"cgroup"} if CGROUPS_V2 else set()  # cgroups v2: a cgroup namespace of its own
if root_step("root-container-facts"):  # as root (else: one line, why)
    assert own == {"ipc", "mnt", "net", "pid", "pid_for_children", "uts"} | by_version, own
    assert shared == {"cgroup", "time", "time_for_children", "user"} - by_version, shared
    assert private_ns.startswith("cgroup:[") and private_ns != host_cgroup, private_ns
    assert (CGROUPS_V2 or "/libpod-" in container_cgroup) and private_cgroup == "/", private_cgroup
    assert abs(inside_uptime - host_uptime) < 5
    print("all good")

# %% [markdown]
# ## 3. PID 1 inside, another PID on the host
# Inside its `pid` namespace, the container's first process is **PID 1**, like the first
# process of a whole machine. On the host, the same process has an ordinary, large PID.
# `podman inspect` gives it as `State.Pid`:

# %%
r = %podman inspect --format '{{.State.Pid}}' {NAME}
host_pid = int(r.stdout)
print(f"$ {r.command_line}\n{host_label(host_pid)}")

# %% [markdown]
# `podman top` lists a container's processes with ps-like fields, as seen inside. Here `pid`
# (PID inside), `user` (inside) and `args` (the command); printed with the labels:

# %%
top = %podman top {NAME} pid user args
rows = [line.split(None, 2) for line in top.stdout.splitlines()]
shown_pid = inside_labels([pid for pid, *_ in rows[1:]])
print("$", top.command_line)
for pid, user, args in rows:
    print(f"{shown_pid[int(pid)] if pid.isdigit() else pid!s:<11}{user:<10}{args}")

# %% [markdown]
# `podman top` also has descriptors for the host's side, `hpid` and `huser`, but they do not
# work everywhere: podman finds the host's side through the container's cgroup folder, and
# where podman itself runs in a container (a CI runner, for example) it can look for that
# folder in the wrong place, and prints `?`. The host can find the container's processes
# itself, and that always works: they are the processes whose `/proc/PID/ns/pid` is the
# container's pid namespace, and each one's `/proc/PID/status` gives its PID inside (the last
# number of its `NSpid` line, explained below) and its user on the host (`Uid`).
#
# The kit's `process_tree` does both: `podman top` (plus the parent PID, `ppid`) for the inside,
# `/proc` for the host, and draws the tree: the two `httpd` workers are children of PID 1.

# %%
full_tree = ns.process_tree(NAME)
tree = labelled(full_tree)
tree

# %% [markdown]
# The host can look at that process directly. `ps -o pid,args -p PID` on the host, with the
# host PID from `podman inspect`: the same `httpd`, under its host number.

# %%
out = on_host("ps", "-o", "pid,args", "-p", str(host_pid))
print(f"$ ps -o pid,args -p {host_label(host_pid)}")
for line in out.splitlines():
    pid, args = line.split(None, 1)
    print(f"{host_label(pid) if pid.isdigit() else pid:>14}  {args}")

# %% [markdown]
# One process, two numbers: the kernel keeps a PID for the process in **each** pid namespace it
# belongs to. `/proc/PID/status` on the host lists them in its `NSpid` line, outermost first:

# %%
status = Path(f"/proc/{host_pid}/status").read_text()
nspid = re.search(r"^NSpid:\s+(.+)$", status, re.M).group(1).split()
print("NSpid:", host_label(nspid[0]), *nspid[1:])

# %% [markdown]
# ### Check yourself
# The host PID of PID 1 is `State.Pid`, it is not 1, and on the host that process is in the
# container's namespaces.

# %%
hpid_of = dict(zip(full_tree["PID inside"], full_tree["PID on host"]))
print("host PID of PID 1 == inspect's State.Pid:", hpid_of[1] == host_pid)
print("host PID of PID 1 is 1:", host_pid == 1)
print("NSpid lists (host PID, 1):", nspid == [str(host_pid), "1"])
print("that host process is in the container's namespaces:",
      ns.namespaces_of(host_pid) == dict(zip(table["namespace"], table["container"])))
if root_step("root-container-facts"):  # as root (else: one line, why)
    assert hpid_of[1] == host_pid != 1 and nspid == [str(host_pid), "1"]
    assert ns.namespaces_of(host_pid) == dict(zip(table["namespace"], table["container"]))
    assert list(tree["PID inside"])[0] == 1 and len(tree) == 3
    assert (tree["user inside"] == tree["user on host"]).all()
    print("all good")

# %% [markdown]
# ## 4. What the container can and cannot see
# ### Processes
# `ps -ef` inside lists the container's processes only. (We keep the columns `UID`, `PID`,
# `PPID`, `CMD`: the others are times. The workers' PIDs get their labels, and `ps` itself
# gets a new PID on every run, since each `podman exec` takes the next free number, so its PID
# is shown as `(ps itself)`.)

# %%
r = %podman exec {NAME} ps -ef
inside = pd.DataFrame([line.split(None, 7) for line in r.stdout.splitlines()[1:]],
                      columns=r.stdout.split()[:8])[["UID", "PID", "PPID", "CMD"]]
is_ps = inside["CMD"] == "ps -ef"
inside["PID"] = inside["PID"].astype(int).map(inside_labels(inside["PID"][~is_ps]))
inside.loc[is_ps, "PID"] = "(ps itself)"
print("$", r.command_line)
inside

# %% [markdown]
# The host sees many more processes: all of its own, **and** the container's, under their
# host PIDs. (To find them among the host's processes, we look for those whose
# `/proc/PID/ns/pid` is the container's pid namespace.) The container sees none of the host's,
# for example not this notebook's kernel.

# %%
host_pids = {int(p) for p in on_host("ps", "-e", "-o", "pid=").split()}
print("processes the container sees:", len(inside))
print("the host sees more processes than the container:", len(host_pids) > len(inside))
container_pidns = dict(zip(table["namespace"], table["container"]))["pid"]


# %%
def in_container_pidns(pid):
    try:
        return os.readlink(f"/proc/{pid}/ns/pid") == container_pidns
    except OSError:  # the process ended meanwhile
        return False


# %%
from_host = [pid for pid in host_pids if in_container_pidns(pid)]
print(f"host processes in {NAME}'s pid namespace:", len(from_host), "(the container's, ps gone)")
print("the container sees this notebook's kernel:", inside["CMD"].str.contains("ipykernel").any())

# %% [markdown]
# ### Host name (`uts`)
# The container has its own host name. Podman sets it to the container's short ID (12
# hexadecimal digits, the start of its full ID):

# %%
hostname_inside = %podman exec {NAME} hostname
hostname_inside

# %%
container_host = hostname_inside.stdout.strip()
full_id = %podman inspect --format '{{.Id}}' {NAME}
print("container's host name == its short ID:", container_host == full_id.stdout.strip()[:12])
print("container's host name == the host's:", container_host == socket.gethostname())

# %% [markdown]
# `--hostname` chooses it. That name lives only in the container's `uts` namespace: the
# host keeps its own.

# %%
host_before = socket.gethostname()
%podman run --rm --hostname myhost ubi8/ubi hostname

# %%
print("the host's name is unchanged:", socket.gethostname() == host_before)

# %% [markdown]
# ### Network interfaces (`net`)
# Inside, `ip -brief addr` lists two interfaces: `lo` (the container's own loopback) and
# `eth0`, its link to the podman network. Its address is handed out from the network's
# subnet, so it changes from run to run; `eth0@ifN` also names the host interface at its other
# end by number (`N`). We print the names and states, and the addresses in a steady form.
#
# As an ordinary user you see `tap0` instead of `eth0`, with slirp4netns' address `10.0.2.100`:
# an ordinary user may not plug a `veth` into a bridge of the host, so rootless podman gives
# the container **slirp4netns**, a network stack run as a process of yours, which reaches the
# container through a tap device. The next cell, about the host's veth and bridge, is skipped.

# %%
net = %podman network inspect --format '{{range .Subnets}}{{.Subnet}} {{.Gateway}}{{end}}' podman
subnet, gateway = net.stdout.split()


def interfaces(text):
    """[(name, peer index or None, state, [addresses])] from `ip -brief addr`."""
    found = []
    for line in text.splitlines():
        name, state, *addresses = line.split()
        base, _, peer = name.partition("@if")
        found.append((base, int(peer) if peer else None, state, addresses))
    return found


# %%
def steady(address):
    """ADDRESS, or a steady description of it when it changes from run to run."""
    ip = ipaddress.ip_interface(address).ip
    if ip in ipaddress.ip_network(subnet):
        return f"an address of {subnet}"
    return "fe80::…/64 (link-local)" if ip.is_link_local else address


# %%
r = %podman exec {NAME} ip -brief addr
print("$", r.command_line)
inside_if = interfaces(r.stdout)
for name, peer, state, addresses in inside_if:
    print(f"{name + ('@if<N>' if peer else ''):<10} {state:<8} {', '.join(map(steady, addresses))}")

# %% [markdown]
# The host has its own interfaces, and one more per running container: the *other end* of each
# container's `eth0`, a `veth` ("virtual Ethernet" cable) plugged into the bridge `podman0`,
# which has the network's gateway address. Their number depends on what else runs on this
# machine, so we print facts about them:

# %%
if root_step("root-container-facts"):  # as root (else: one line, why)
    host_if = interfaces(on_host("ip", "-brief", "addr"))
    host_names = [name for name, *_ in host_if]
    peer = next(p for name, p, *_ in inside_if if name == "eth0")
    other_end = ""
    for name in host_names:  # the host interface whose index is eth0's peer number
        try:
            if int(Path(f"/sys/class/net/{name}/ifindex").read_text()) == peer:
                other_end = name
        except OSError:  # another notebook's container stopped meanwhile: its veth is gone
            pass
    master = Path(f"/sys/class/net/{other_end}/master")
    print("host interfaces: more than the container's 2:", len(host_names) > 2)
    print("the host's podman0 has the gateway address:",
          any(n == "podman0" and any(a.startswith(gateway + "/") for a in addrs)
              for n, _, _, addrs in host_if))
    print("eth0's other end is a host veth:", other_end.startswith("veth"))
    print("  plugged into the bridge:", master.resolve().name if master.exists() else None)
    print("the container sees podman0:", "podman0" in [n for n, *_ in inside_if])

# %% [markdown]
# ### Mounts (`mnt`)
# `/proc/self/mounts` inside lists what is mounted where, as the container sees it. Grouped by
# type: its `/` is an `overlay` (the image's layers plus its own writable layer), `/proc`,
# `/sys` and `/dev` are its own, and a few single files (`/etc/hosts`, `/etc/resolv.conf`,
# `/etc/hostname`, `/run/.containerenv`) come from the host's disk, bind-mounted in by podman.
# Devices appear the same way. podman asks the OCI runtime to hide a few files of `/proc`
# (`/proc/keys`, `/proc/timer_list`) under a bind mount of `/dev/null` (crun binds the host's,
# runc the container's own), and a rootless container, which may not create device files, gets
# the host's own `/dev/null`, `/dev/zero` and the like bind-mounted. Their type is that of the
# `/dev` they come from (`tmpfs` or `devtmpfs`: it depends on the machine and the runtime), so
# the table groups them by what they are: `device from the host`. Hidden folders get an empty
# read-only `tmpfs` instead (`/proc/acpi`, `/sys/firmware`, `/sys/dev/block` in the `tmpfs`
# row), and `/proc/bus`, `/proc/fs`, `/proc/irq`, `/proc/sys` show up again in the `proc` row
# because they are mounted once more, read-only.
#
# Two programs can make that overlay. Usually it is the kernel's `overlay` file system. Where
# podman's storage itself lies on an overlay (a machine that is itself a container, for
# example), the kernel cannot stack another overlay on it, and podman uses **fuse-overlayfs**,
# a program that does the same work from user space; its mount type reads
# `fuse.fuse-overlayfs`. The table groups both as `overlay`; the next cell says which one this
# machine uses. (The single files and devices are found by what they are: a file or a device
# that is not part of the container's own `proc` or `sysfs`, where every other mount point is a
# folder. `/proc/PID/root` on the host shows the container's files as it sees them.)

# %%
OVERLAYS = {"overlay": "the kernel's overlay file system",
            "fuse.fuse-overlayfs": "fuse-overlayfs (overlay in user space)"}


PODMAN_FILES = {"/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/run/.containerenv"}
PODMAN_DEVICES = {"/dev/full", "/dev/null", "/dev/random", "/dev/tty", "/dev/urandom", "/dev/zero",
                  "/proc/keys", "/proc/timer_list"}


# %%
def mount_group(point, kind):
    """How the table groups a container's mount point: a single file or device, overlay, its type."""
    inside = Path(f"/proc/{host_pid}/root{point}")  # wherever the host keeps that file
    if kind in ("proc", "sysfs"):  # its own /proc and /sys, read-only parts included
        return kind
    try:
        single, device = inside.is_file(), inside.is_char_device()
    except PermissionError:  # a host that lets no ordinary user look inside: podman's own
        single, device = point in PODMAN_FILES, point in PODMAN_DEVICES
    if single or device:
        return "file from the host" if single else "device from the host"
    return "overlay" if kind in OVERLAYS else kind


# %%
r = %podman exec {NAME} cat /proc/self/mounts
mounts = [line.split()[:4] for line in r.stdout.splitlines()]
by_type = {}
for device, point, kind, _ in mounts:
    by_type.setdefault(mount_group(point, kind), []).append(point)
print("$", r.command_line, "  (mount points grouped by type)")
for kind in sorted(by_type):
    print(f"{kind:<20}", ", ".join(sorted(by_type[kind])))  # sorted: podman mounts in any order

# %% [markdown]
# The root `/` in detail. `podman inspect` names its parts (`GraphDriver.Data`): `LowerDir`
# lists the image's read-only layers, `UpperDir` is where this container's own changes go, a
# folder in the sandbox's storage on the host. The kernel's overlay also lists them in its
# mount options (`lowerdir=`, `upperdir=`); fuse-overlayfs does not (its options are those of
# any FUSE mount), so we read them from `podman inspect`, and compare where both are there.

# %%
root = next(m for m in mounts if m[1] == "/")
options = dict(o.split("=", 1) for o in root[3].split(",") if "=" in o)
layers = %podman inspect --format '{{.GraphDriver.Data.LowerDir}} {{.GraphDriver.Data.UpperDir}}' {NAME}
lower, upper = layers.stdout.split()
print("the container's / is an overlay:", root[2] in OVERLAYS)
print("this machine's overlay is", OVERLAYS.get(root[2], root[2]))
print("lowerdir (read-only image layers):", len(lower.split(":")))
print("upperdir (this container's writable layer):", upper)

# %% [markdown]
# The host sees that overlay too: podman mounted it at the container's `MergedDir`, then gave
# the container a mount namespace in which that folder is `/`. As an ordinary user the first
# line says `False`: rootless podman mounts the overlay inside its own user and mount
# namespaces (of the kind `podman unshare` enters, section 5), where your kernel does not look.

# %%
merged = %podman inspect --format '{{.GraphDriver.Data.MergedDir}}' {NAME}
host_mounts = [line.split()[:4] for line in Path("/proc/self/mounts").read_text().splitlines()]
host_root = next(m for m in host_mounts if m[1] == "/")
print("the container's / is mounted on the host at its MergedDir:",
      any(point == merged.stdout.strip() and kind == root[2] for _, point, kind, _ in host_mounts))
print("the host's / is the container's /:", host_root == root)
print("the container's upperdir is a folder on the host:", Path(upper).is_dir())

# %% [markdown]
# ### Check yourself
# The container sees its own processes only, its own host name, its own two interfaces and
# its own overlay `/`.

# %%
if root_step("root-container-facts"):  # as root (else: one line, why)
    assert list(inside["PID"])[0] == 1 and not inside["CMD"].str.contains("ipykernel").any()
    assert host_pid in from_host and len(from_host) == len(inside) - 1 < len(host_pids)
    assert container_host == full_id.stdout.strip()[:12] != socket.gethostname()
    assert [n for n, *_ in inside_if] == ["lo", "eth0"] and other_end.startswith("veth")
    assert master.resolve().name == "podman0"
    assert root[2] in OVERLAYS and host_root != root and Path(upper).is_dir()
    if "upperdir" in options:  # the kernel's overlay: its mount options name the same layers
        assert options["upperdir"] == upper and len(options["lowerdir"].split(":")) == len(lower.split(":"))
    print("all good")

# %% [markdown]
# ## 5. Rootless: a user namespace of its own, and `podman unshare`
# The notes' "无根容器" (rootless container) is run by an ordinary user. An ordinary user may
# not create namespaces, with one exception: a **user** namespace, in which it becomes root
# (uid 0) and may then create the others. So rootless podman always starts with a user
# namespace, and creates the container's other namespaces inside it. Our unprivileged user (in
# a root kernel the kit's `podman-student`, as an ordinary user you) runs the same web server
# image, in the rootless world of `%podman --rootless`:

# %%
podman("rm -f -t 0 {RNAME}", rootless=True)  # left by an earlier run of this cell: removed first, nothing shown
%podman --rootless run -d --name {RNAME} registry.redhat.io/rhel8/httpd-24:latest

# %% [markdown]
# (If a warning appears above, it is podman's own: the host's `/` is not a *shared* mount,
# which matters only for special volume setups. It appears once, when the user's first podman
# command sets up its user namespace; on this host it usually does not show.)
#
# Its namespaces, next to the host's:

# %%
if rootless_available():
    wait_for_workers(RNAME, rootless=True)
    rtable = ns.namespace_table(RNAME, rootless=True)
    display(rtable)

# %% [markdown]
# The two containers compared: the same namespaces of their own, plus `user` for the rootless
# one. (As an ordinary user both columns say `True` for `user`: both containers are rootless.)

# %%
if rootless_available():
    display(pd.DataFrame({"namespace": table["namespace"],
                          "root container: own?": table["isolated"],
                          "rootless container: own?": rtable["isolated"]}))

# %% [markdown]
# `cgroup` and `time` stay shared, for the same reasons as for root. In the process tree, the
# users on the host are others: root inside is the rootless user on the host (`podman-student`,
# or you), and `www-data` (uid 33 inside) is a bare number there, a *subordinate* uid of that
# user (below) that no user on the host is named for.

# %%
if rootless_available():
    rtree = labelled(ns.process_tree(RNAME, rootless=True))
    display(rtree)

# %% [markdown]
# ### `podman unshare`: step into the user namespace
# `podman unshare COMMAND` runs a command in the rootless user's user namespace, the one its
# containers are made in. The map of uids (`/proc/self/uid_map`) reads: *uid inside, uid
# outside, how many*:

# %%
uid_map = %podman --rootless unshare cat /proc/self/uid_map
uid_map

# %% [markdown]
# - uid 0 inside is the user itself (1001 outside for `podman-student` here; as an ordinary
#   user, your own uid), for 1 uid;
# - uids 1 to 65536 inside are the user's **subordinate** uids, the range that
#   `/etc/subuid` gives it (100000 and up here): uid 1 is 100000, uid 33 is 100032, and so on.
#
# The user's line in `/etc/subuid` (name:first:count):

# %%
if rootless_available():
    print(next(line for line in Path("/etc/subuid").read_text().splitlines()
               if line.startswith(rootless_world().user + ":")))

# %% [markdown]
# Inside, the user is root:

# %%
unshared_id = %podman --rootless unshare id
unshared_id

# %% [markdown]
# and it is the very user namespace of the rootless container (same number):

# %%
unshared_ns = %podman --rootless unshare readlink /proc/self/ns/user
if rootless_available():
    print("same user namespace as rweb:",
          unshared_ns.stdout.strip() == rtable.set_index("namespace").loc["user", "container"])
unshared_ns

# %% [markdown]
# ### Files made in the user namespace
# In `unshare`, we create two files in the user's folder on the host: one as root inside, and
# one handed to uid 27 inside (`chown`, which root inside may do, within the map). Then we
# look at their owners inside (`stat -c '%u:%g %n'`: uid, gid, name) and on the host.

# %%
MADE, CHOWNED = "made-in-unshare.txt", "chowned-to-27.txt"
FILES = [MADE, CHOWNED]
%podman --rootless unshare touch {MADE} {CHOWNED}
%podman --rootless unshare chown 27:27 {CHOWNED}
owners_inside = %podman --rootless unshare stat -c '%u:%g %n' {MADE} {CHOWNED}
owners_inside

# %% [markdown]
# On the host (the kernel runs outside that user namespace, as root or as you), the same two
# files, in the rootless user's folder of this notebook (`rootless_world().files`):

# %%
if rootless_available():
    rw = rootless_world()
    for name in FILES:
        st = (rw.files / name).stat()
        print(f"{st.st_uid}:{st.st_gid} {name}")

# %% [markdown]
# Root inside is the user itself (1001 here; your uid as an ordinary user); uid 27 inside is
# the subordinate uid 100026 here (100000 + 27 − 1). That is why a rootless container's files on a mounted host folder can
# show owners that are not the user: notebook 06 uses `podman unshare chown` for this.
#
# ### Check yourself
# The rootless container has its own `user` namespace (a root one has not), `podman
# unshare` is root in that same namespace, and owners map through `uid_map`.

# %%
def outside(uid):
    """The host uid of UID inside the user namespace, through uid_map (inside, outside, how many)."""
    mapping = [tuple(map(int, line.split())) for line in uid_map.stdout.splitlines()]
    return next(out + uid - first for first, out, count in mapping if first <= uid < first + count)


# %%
if rootless_available():
    own_r = set(rtable[rtable["isolated"]]["namespace"])
    assert own_r == own | {"user"}, own_r
    assert unshared_id.stdout.startswith("uid=0(root)"), unshared_id
    assert unshared_ns.stdout.strip() == rtable.set_index("namespace").loc["user", "container"]
    assert outside(0) == rw.uid and outside(0) != 0
    assert [(rw.files / f).stat().st_uid for f in FILES] == [outside(0), outside(27)]
    assert list(rtree["user on host"]) == [rw.user, str(outside(33)), str(outside(33))]
    assert pwd.getpwnam(rw.user).pw_uid == outside(0)
    print("all good")

# %% [markdown]
# ## 6. The namespace view widget
# The kit's namespace view puts this notebook's two main tables in one place: pick a running
# container (of this notebook's sandbox) and press **Show** to get its namespace table and
# its process tree; the podman commands behind them are listed underneath. We start one more
# container, `box`, whose only process is `sleep` (PID 1), and open the view on it. Choose
# `web` in the list to see the web server again. (Where no live front end runs, for example
# when the notebook is executed in batch, the cell shows a plain summary: the table, and the tree without host PIDs.)

# %%
podman("rm -f -t 0 {BOX}")  # left by an earlier run of this cell: removed first, nothing shown
%podman run -d --name {BOX} ubi8/ubi sleep infinity

# %%
%podman_widget namespaces {BOX}

# %% [markdown]
# ### Check yourself
# The view reads the same namespaces as `namespace_table`, and `box` has the same namespaces
# of its own as `web`.

# %%
from kernel_helpers.widgets import namespaces as namespace_view

view = namespace_view(BOX)
assert view.container == BOX and set(view.table[view.table["isolated"]]["namespace"]) == own
assert list(view.tree["PID inside"]) == [1] and view.tree["command"].iloc[0] == "sleep infinity"
view.close()
print("all good")

# %% [markdown]
# ## Clean up
# Remove the three containers, the files made in `unshare` (the kernel may delete them: as
# root, or as you, who own their folder), and the image we pulled (the course images in the
# read-only store stay).

# %%
%podman rm -f -t 0 {NAME}

# %%
%podman rm -f -t 0 {BOX}

# %%
removed = %podman --rootless rm -f -t 0 {RNAME}
if rootless_available():
    for name in FILES:
        (rw.files / name).unlink(missing_ok=True)
removed

# %%
%podman rmi registry.redhat.io/rhel8/httpd-24:latest

# %%
left = %podman ps -a
print("root containers left:", len(left.df))
assert left.df.empty
if rootless_available():
    left_rootless = %podman --rootless ps -a
    print("rootless containers left:", len(left_rootless.df))
    print("files left:", [f for f in FILES if (rw.files / f).exists()])
    assert left_rootless.df.empty and not any((rw.files / f).exists() for f in FILES)

# %% [markdown]
# ## Your turn: two labs
# As in notebooks 02-04: `%lab start NAME` resets the lab and shows the task with its hints
# (open them one at a time), you type your commands under **Your answer**, and
# `%lab grade NAME` checks the real namespaces: PASS or FAIL per check, with a hint for each
# FAIL. Grading changes nothing; starting again resets the lab.

# %% [markdown]
# ### Lab 05-shared-pid: join another container's PID namespace, and find its PID 1 on the host
# Sections 2-4 from the other side: `podman run` can put a container in another container's
# namespace instead of a new one, one namespace at a time.

# %%
%lab start 05-shared-pid

# %% [markdown]
# #### Your answer
# One command per cell. For step 2, `pid = podman("inspect --format '{{.State.Pid}}' nsweb").stdout.strip()`
# keeps the PID in a variable (`podman()` is `%podman` as a Python function), and
# `!ps -o args -p {pid}` shows that process on the host.

# %% tags=["solution"]
%podman run -d --name nsweb registry.redhat.io/rhel8/httpd-24

# %% tags=["solution"]
pid = podman("inspect --format '{{.State.Pid}}' nsweb").stdout.strip()
!ps -o args -p {pid}

# %% tags=["solution"]
%podman run -d --name nspeek --pid container:nsweb registry.access.redhat.com/ubi8/ubi:latest sleep infinity

# %% tags=["solution"]
%podman exec nspeek ps -o pid,args -p 1

# %% [markdown]
# #### Check your work

# %%
%lab grade 05-shared-pid

# %% [markdown]
# ### Lab 05-rootless-uids: a rootless container's users on the host, seen in files
# Section 5's `uid_map`, in files a rootless container writes to a host folder, the rootless
# user's folder of this notebook (`rootless_world().files`). The task shows the path; `FILES`
# holds it here too, so you can type `{FILES}` (`%podman` expands it in a line). (This
# replaces the earlier `FILES` list: re-run the notebook from the top if you go back to those
# cells.)

# %%
FILES = rootless_world().files if rootless_available() else Path("/no-rootless")
print("the course user's folder:", FILES)

# %%
%lab start 05-rootless-uids

# %% [markdown]
# #### Your answer
# Every command is `%podman --rootless ...`; the files are made in a
# `%%podman --rootless exec -i idbox bash` cell, the shell commands in its body. `stat -c
# '%u:%g %n'` prints each file's uid, gid and name, inside and then on the host.

# %% tags=["solution"]
%podman --rootless unshare mkdir -p {FILES}/ids

# %% tags=["solution"]
%podman --rootless run -d --name idbox -v {FILES}/ids:/ids:Z registry.access.redhat.com/ubi8/ubi:latest sleep infinity

# %% tags=["solution"]
%%podman --rootless exec -i idbox bash
touch /ids/root.txt /ids/user.txt
chown 1001:1001 /ids/user.txt

# %% tags=["solution"]
%podman --rootless unshare cat /proc/self/uid_map

# %% tags=["solution"]
%podman --rootless exec idbox stat -c '%u:%g %n' /ids/root.txt /ids/user.txt

# %% tags=["solution"]
!cd {FILES}/ids && stat -c '%u:%g %n' root.txt user.txt

# %% [markdown]
# #### Check your work

# %%
%lab grade 05-rootless-uids

# %% [markdown]
# ### Clean up the labs
# Last started, first finished, as in notebook 02.

# %%
%lab finish 05-rootless-uids

# %%
%lab finish 05-shared-pid

# %% [markdown]
# ## Recap
# - A container's processes are ordinary processes of the host; namespaces give them their own
#   view of processes, host name, network and mounts (`/proc/PID/ns/*` shows which).
# - A container's PID 1 has another PID on the host; `podman inspect` and `/proc` find it.
# - A rootless container has its own user namespace: its root is the user on the host
#   (`podman unshare cat /proc/self/uid_map`).
#
# **Next:** [06 · Persistent storage](06_persistent_storage.ipynb): data that outlives its
# containers, and its labs 06-webcontent and 06-mariadb-data.
