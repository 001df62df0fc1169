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
# # 01 · Why containers? Dependency conflicts, virtual machines and containers
#
# **Lecture notes:** "容器技术简介" (an introduction to container technology): "传统软件应用部署"
# (traditional deployment), "虚拟化特点总结" (what virtualization is), "容器特点总结" (what containers
# are) and "设计基于容器的结构" (designing a container-based architecture).
#
# Before learning the commands, we look at the *problem* containers solve, and we make it happen for
# real instead of just reading about it.
#
# **You will learn to**
# - explain why two applications on one host can break each other (a shared library in two versions),
#   and watch it happen;
# - run the same two applications side by side in containers, both working;
# - tell a virtual machine stack from a container stack (diagram drawn below);
# - check that a container uses the **host's kernel**, and why that limits containers to Linux apps;
# - measure how fast containers start and stop and how little memory they need;
# - tell "one app per container" from "one component per container", with two containers talking over
#   a network.
#
# > **About the images.** Every image in this course is a *locally built stand-in*, made from
# > Debian packages by the kit's recipes in `images/` and served by the classroom registry on
# > `localhost:5000`. None of them is a Red Hat image, even when its name is the one the notes use.
# > Here we only need the tiny `localhost:5000/busybox:latest`.

# %% tags=["parameters"]
# Parameters (a batch run of the notebook may give other values)
TIMEOUT = 120
N_CONTAINERS = 5          # how many containers to start for the speed / memory measurement
SLOW_SECONDS = 10.0       # a generous bound: any start or stop slower than this is a problem
WEB_LISTEN = 8080         # the port busybox httpd listens on INSIDE its container (not published)
NET_PREFIX = "course01-net"  # the user-created network is NET_PREFIX + "-" + this notebook's sandbox id

# %% [markdown]
# ## Load the kit
# `%load_ext kernel_helpers` gives this notebook `%podman` and a private *sandbox* (its own
# containers and image storage). `subprocess.run(["podman", ...])` lands in the same sandbox.

# %%
%load_ext kernel_helpers
%config PodmanMagics.timeout = TIMEOUT

# %% [markdown]
# ## 1. Traditional deployment: the dependency conflict
#
# The notes: "依赖于运行时环境提供的库，配置文件或者服务" — an application *depends on libraries,
# configuration files or services provided by the runtime environment*, and that environment is the
# physical host. "同一系统上的两个应用可能需要同一软件互不兼容的不同版本" — *two applications on the
# same system may need incompatible versions of the same software.*
#
# We make two tiny "packages". Each installs:
# - a "library" `/usr/lib/libgreet.so.txt` (a text file holding its version, standing for a real `.so`);
# - an app script `/usr/bin/appN` that checks it finds the library version it was built against.
#
# `app1` needs libgreet **v1**, `app2` needs libgreet **v2**. Both install the library at the
# **same path** — exactly what happens with real system packages.

# %%
import os
import pathlib
import shutil
import subprocess
import tempfile

from kernel_helpers.lesson import podman

work = pathlib.Path(tempfile.mkdtemp(prefix="course01-"))

APP_SCRIPT = """#!/bin/sh
# {app}: needs libgreet {need}. ROOT is where the "system" lives ("" inside a container).
have=$(cat "$ROOT/usr/lib/libgreet.so.txt" 2>/dev/null)
if [ "$have" = "{need}" ]; then
    echo "{app}: OK, running with libgreet $have"
else
    echo "{app}: ERROR, needs libgreet {need} but found ${{have:-nothing}}"
    exit 1
fi
"""
CONTAINERFILE = """\
FROM localhost:5000/busybox:latest
COPY usr/ /usr/
CMD ["/usr/bin/{app}"]
"""


# %%
def make_package(app, version):
    """A package tree (usr/lib + usr/bin) and a Containerfile that copies it into busybox."""
    pkg = work / app
    for folder in ("usr/lib", "usr/bin"):
        (pkg / folder).mkdir(parents=True, exist_ok=True)
    (pkg / "usr/lib/libgreet.so.txt").write_text(version + "\n")
    script = pkg / "usr/bin" / app
    script.write_text(APP_SCRIPT.format(app=app, need=version))
    script.chmod(0o755)
    (pkg / "Containerfile").write_text(CONTAINERFILE.format(app=app))
    return pkg


# %%
packages = {"app1": make_package("app1", "v1"), "app2": make_package("app2", "v2")}
for app, pkg in packages.items():
    print(f"--- {app}: files")
    for f in sorted(p.relative_to(pkg) for p in pkg.rglob("*") if p.is_file()):
        print("   ", f)
print("--- app1's Containerfile")
print((packages["app1"] / "Containerfile").read_text())

# %% [markdown]
# ### On the "host": install both apps into one system
# A temporary directory stands for the host's root file system (its `/usr/lib`, `/usr/bin`).
# "Installing" a package copies its files in. We install `app1`, run it, then install `app2`.
# The apps are run by the host's own shell (`busybox sh`), with `ROOT` pointing at our fake host.

# %%
host_root = work / "host-root"
host_root.mkdir(exist_ok=True)


def install_on_host(app):
    shutil.copytree(packages[app] / "usr", host_root / "usr", dirs_exist_ok=True)


def run_on_host(app):
    r = subprocess.run(["busybox", "sh", str(host_root / "usr/bin" / app)],
                       env={"ROOT": str(host_root), "PATH": "/usr/bin:/bin"},
                       capture_output=True, text=True, timeout=TIMEOUT)
    print(r.stdout.strip(), f"(exit status {r.returncode})")
    return r.returncode


# %%
install_on_host("app1")
print("after installing app1:")
before = run_on_host("app1")

install_on_host("app2")   # overwrites /usr/lib/libgreet.so.txt with v2
print("after installing app2 as well:")
after = {app: run_on_host(app) for app in ("app1", "app2")}
print("the host's library now says:", (host_root / "usr/lib/libgreet.so.txt").read_text().strip())

# %% [markdown]
# Installing `app2` **overwrote** the library `app1` depends on: `app1` is now broken, and
# reinstalling `app1` would break `app2` instead. On a real host this is the classic conflict
# (an old app needs an old OpenSSL or Python, a new one needs the new one).
#
# ### Check yourself

# %%
assert before == 0, "app1 should work alone"
assert after == {"app1": 1, "app2": 0}, after
print("app1 worked alone, and broke when app2 was installed: all good")

# %% [markdown]
# ### In containers: each app brings its own library
# Now we build each package into its own **image** (`podman build` reads the Containerfile shown
# above: start from busybox, copy the package files in). Each image carries its own
# `/usr/lib/libgreet.so.txt`. We show the build steps (image ids change at every build, so we
# keep only the `STEP` lines).

# %%
for app, pkg in packages.items():
    r = %podman build -t localhost/course01-{app}:latest {pkg}
    assert r.returncode == 0, r.stderr
    print(f"--- {app}")
    print("\n".join(line for line in r.stdout.splitlines() if line.startswith(("STEP", "Successfully"))))

# %% [markdown]
# Run both apps **at the same time**, each in its own container (`-d`: in the background, each
# one keeps running for a minute so they really are side by side):

# %%
for app in packages:
    podman(f"rm -f -t 0 {app}")  # left by an earlier run of this cell: removed first, nothing shown
    r = %podman run -d --name {app} localhost/course01-{app}:latest sh -c "/usr/bin/{app}; sleep 60"
    assert r.returncode == 0, r.stderr
ps = %podman ps
ps.df[["Names", "Image", "State"]]

# %% [markdown]
# What did each app print? (`podman logs` shows a container's output.)

# %%
for app in packages:
    r = %podman logs {app}
    print(r.stdout.strip())

# %% [markdown]
# Same library path, two versions, no conflict: each container has its own file system, built from
# its image. The host's `/usr/lib` is not involved at all.
#
# ### Check yourself

# %%
logs = {}
for app in packages:
    r = %podman logs {app}
    logs[app] = r.stdout
assert "app1: OK, running with libgreet v1" in logs["app1"], logs
assert "app2: OK, running with libgreet v2" in logs["app2"], logs
ps = %podman ps
assert set(ps.df["Names"]) >= {"app1", "app2"} and set(ps.df["State"]) == {"running"}
print("both apps work side by side: all good")

# %% [markdown]
# Remove both containers (podman removes them in parallel, so we sort its answer):

# %%
r = %podman rm -f -t 0 app1 app2
print("removed:", sorted(r.stdout.split()))

# %% [markdown]
# ## 2. Virtualization vs containers
#
# The notes ("虚拟化特点总结"): with virtualization *one hardware platform runs several operating
# systems*; the **hypervisor** splits the hardware into virtual machines, and every VM needs a
# **complete operating system** (its own kernel) to run its apps.
#
# Containers ("容器特点总结") *run directly on the operating system*: all containers **share the
# host's kernel**; each is just a group of isolated processes. The drawing below replaces the notes'
# pictures (image1/image2).

# %%
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch


def box(ax, x, y, w, h, text, color):
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02", fc=color, ec="black"))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=9)
    return text


# %%
fig, (vm_ax, ct_ax) = plt.subplots(1, 2, figsize=(11, 4.5))
drawn = {"virtual machines": [], "containers": []}
L = drawn["virtual machines"]
L.append(box(vm_ax, 0, 0, 3, 0.6, "Hardware", "#cccccc"))
L.append(box(vm_ax, 0, 0.8, 3, 0.6, "Hypervisor", "#f4b183"))
for i in range(3):
    x = i * 1.0 + 0.05
    L.append(box(vm_ax, x, 1.6, 0.9, 0.9, f"Guest OS {i + 1}\n(own kernel)", "#9dc3e6"))
    L.append(box(vm_ax, x, 2.7, 0.9, 0.5, f"Libs {i + 1}", "#c5e0b4"))
    L.append(box(vm_ax, x, 3.4, 0.9, 0.5, f"App {i + 1}", "#ffe699"))
C = drawn["containers"]
C.append(box(ct_ax, 0, 0, 3, 0.6, "Hardware", "#cccccc"))
C.append(box(ct_ax, 0, 0.8, 3, 0.6, "Host OS (one shared Linux kernel)", "#9dc3e6"))
C.append(box(ct_ax, 0, 1.6, 3, 0.6, "Container runtime (podman + runc)", "#f4b183"))
for i in range(3):
    x = i * 1.0 + 0.05
    C.append(box(ct_ax, x, 2.4, 0.9, 0.5, f"Libs {i + 1}", "#c5e0b4"))
    C.append(box(ct_ax, x, 3.1, 0.9, 0.5, f"App {i + 1}", "#ffe699"))
for ax, title in ((vm_ax, "Virtual machines"), (ct_ax, "Containers")):
    ax.set_xlim(-0.1, 3.1); ax.set_ylim(-0.1, 4.1); ax.axis("off"); ax.set_title(title)
plt.show()
for stack, layers in drawn.items():
    print(f"{stack}: {len(layers)} boxes, kernels drawn: {sum('kernel' in l for l in layers)}")

# %% [markdown]
# Three VMs means three kernels to boot, patch and feed with memory; three containers share one.
# The container's image carries only the app and its libraries (the green and yellow boxes).
#
# ## 3. Containers share the host kernel
# `uname -r` prints the kernel release. Inside a container it is **the host's** kernel, because
# there is no other one. Python's `platform.release()` asks the host.

# %%
import platform

r = %podman run --rm busybox uname -r
print("uname -r inside the container:", r.stdout.strip())
print("platform.release() on the host:", platform.release())
assert r.stdout.strip() == platform.release(), r

# %% [markdown]
# ### Linux apps only
# "由于物理机底层系统是Linux，所以执行的应用只能是基于linux应用" — *since the host underneath is
# Linux, the applications can only be Linux applications.* A container cannot bring its own kernel, so
# a Windows program (which needs the Windows kernel) cannot run in a Linux container. Every image
# records the OS it was built for, and `podman info` tells the host's:

# %%
%podman run --rm busybox uname -s

# %%
%podman image inspect --format "image built for: {{.Os}}/{{.Architecture}}" localhost:5000/busybox:latest

# %%
info = %podman info
info.df[info.df["Key"].isin(["OS", "Architecture", "Kernel"])]

# %% [markdown]
# (On macOS or Windows, Podman runs containers inside a small **Linux VM**: the kernel is still Linux.)
#
# ## 4. Fast to start and stop, light on memory
# The notes: containers "需要的硬件资源比虚拟机少，能够快速启动和停止" — *need fewer hardware resources
# than VMs and start and stop quickly.* Let us measure, live: start `N_CONTAINERS` busybox containers
# in the background (`podman run -d`), read their memory with `podman stats --no-stream`, then stop
# them with `podman stop -t 0` (no grace period), timing every command.

# %%
import json
import re
import time


def timed(*args):
    t0 = time.perf_counter()
    r = subprocess.run(["podman", *args], capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 0, r.stderr
    return time.perf_counter() - t0


# %%
UNITS = {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9, "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3}


def to_bytes(text):
    """'258kB' -> 258000.0 (podman prints decimal units)."""
    m = re.fullmatch(r"([\d.]+)\s*([A-Za-z]+)", text.strip())
    return float(m[1]) * UNITS[m[2]]

# %% [markdown]
# `podman stats` reads the memory the kernel charges to each container's **cgroup** (control
# group: the kernel's accounting of a group of processes). Where podman cannot find that cgroup,
# it fails: for example podman inside another container on cgroups v1, where `/proc/PID/cgroup`
# gives the cgroup's path from the top of the host's tree but the outer container sees only its
# own branch of that tree. Then we read the cgroup's counter ourselves (on cgroups v2 that is
# `memory.current`, which also counts page cache, so it reads more than podman would):
# `/proc/PID/cgroup` names the container's cgroup (`cgroups_of`), `/proc/self/mountinfo` says
# which part of the tree is mounted where (`memory_mounts`).
# The measuring cell says which way it measured.
#
# As an ordinary user on a cgroups v1 host you see the second way, and a last line that says
# `False`: rootless podman makes no cgroup for a container on cgroups v1 (podman's message:
# "stats is not supported in rootless mode without cgroups v2"), so each container stays in a
# cgroup it inherited, shared with other processes (yours at least), whose counter counts them
# too.

# %%
def cgroups_of(name):
    """{controller: cgroup path} of the container's main process ("" is cgroups v2's only tree)."""
    pid = subprocess.run(["podman", "inspect", "--format", "{{.State.Pid}}", name],
                         capture_output=True, text=True, timeout=TIMEOUT).stdout.strip()
    groups = {}  # from lines like "4:memory:/libpod_parent/libpod-ID"
    for line in pathlib.Path(f"/proc/{pid}/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        groups.update({c: path for c in controllers.split(",")})
    return groups


# %%
def memory_mounts():
    """(cgroup mounted, where, controller, counter file) of each mount that counts memory."""
    for line in pathlib.Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        fs_type, options = fields[fields.index("-") + 1], fields[-1].split(",")
        if fs_type == "cgroup" and "memory" in options:  # v1: the memory controller's tree
            yield fields[3], fields[4], "memory", "memory.usage_in_bytes"
        elif fs_type == "cgroup2":  # v2: one tree for every controller
            yield fields[3], fields[4], "", "memory.current"


# %%
def cgroup_memory(name):
    """Bytes charged to the container's memory cgroup, or None where it is not mounted here."""
    groups = cgroups_of(name)
    for root, mount_point, controller, counter in memory_mounts():
        path = groups.get(controller)
        inside = os.path.relpath(path, root) if path else ".."  # the cgroup, below the mounted one
        file = pathlib.Path(mount_point, inside, counter)
        if not inside.startswith("..") and file.is_file():
            return float(file.read_text())
    return None

# %%
names = [f"speed{i}" for i in range(1, N_CONTAINERS + 1)]
podman(["rm", "-f", "-t", "0", *names])  # left by an earlier run of this cell: removed first, nothing shown
start_s = [timed("run", "-d", "--name", n, "localhost:5000/busybox:latest", "sleep", "600") for n in names]
stats = subprocess.run(["podman", "stats", "--no-stream", "--format", "json", *names],
                       capture_output=True, text=True, timeout=TIMEOUT)
if stats.returncode == 0:
    mem_bytes = {s["name"]: to_bytes(s["mem_usage"].split("/")[0]) for s in json.loads(stats.stdout)}
    measured_by = "podman stats"
else:
    readings = {n: cgroup_memory(n) for n in names}
    mem_bytes = {n: b for n, b in readings.items() if b is not None}
    error = (stats.stderr.strip().splitlines() or ["no message"])[-1]
    source = "the containers' memory cgroups" if mem_bytes else "nothing: no memory cgroup found"
    measured_by = f"{source} (podman stats failed here: exit status {stats.returncode}, {error})"
stop_s = [timed("stop", "-t", "0", n) for n in names]

print("memory measured with:", measured_by)
print("containers measured:", len(names))
print("start timings:", len(start_s), " stop timings:", len(stop_s), " memory readings:", len(mem_bytes))
print(f"every start and stop below {SLOW_SECONDS} s:", max(start_s + stop_s) < SLOW_SECONDS)
print("every container uses less than 10 MB of memory:", bool(mem_bytes) and max(mem_bytes.values()) < 10e6)

# %% [markdown]
# The exact figures change from run to run, so they are only plotted (not printed):

# %%
fig, (t_ax, m_ax) = plt.subplots(1, 2, figsize=(11, 3.8))
xs = range(len(names))
t_ax.bar([x - 0.2 for x in xs], start_s, width=0.4, label="start (podman run -d)")
t_ax.bar([x + 0.2 for x in xs], stop_s, width=0.4, label="stop (podman stop -t 0)")
t_ax.set_xticks(list(xs), names); t_ax.set_ylabel("seconds"); t_ax.legend()
t_ax.set_title("Start / stop latency per container")
measured = [n for n in names if n in mem_bytes]  # only the containers whose memory was read
m_ax.bar(range(len(measured)), [mem_bytes[n] / 1e3 for n in measured], color="tab:green")
m_ax.set_xticks(range(len(measured)), measured); m_ax.set_ylabel("kB")
m_ax.set_title("Memory used by each running container")
plt.tight_layout()
plt.show()
print("plotted", len(start_s) + len(stop_s), "timings and", len(mem_bytes), "memory readings")

# %% [markdown]
# Fractions of a second and a few hundred kilobytes to a few megabytes per container. A virtual
# machine boots a whole kernel and OS (seconds to minutes) and reserves its RAM up front
# (hundreds of MB at least).
# Compare: it is the same kernel process table, so the container's `sleep` costs about what a
# `sleep` on the host costs.
#
# ### Check yourself

# %%
assert len(start_s) == len(stop_s) == len(mem_bytes) == N_CONTAINERS
ps = %podman ps -a --filter name=speed
assert len(ps.df) == N_CONTAINERS and set(ps.df["State"]) == {"exited"}, ps.df
print(f"{N_CONTAINERS} containers started, measured and stopped: all good")

# %%
NAMES = " ".join(names)
r = %podman rm --ignore {NAMES}
assert r.returncode == 0, r.stderr  # --ignore: no error for a container already gone
print("removed:", len(r.stdout.split()))

# %% [markdown]
# ## 5. One app per container, or one component per container?
# The notes ("设计基于容器的结构") describe two designs:
# - **one container runs a whole application**: front end, back end, PHP, MySQL, Apache, all inside;
# - **one container runs one component** of the application, and the components talk **over the
#   network**. Advantages: lighter containers, easier maintenance, simpler upgrades (replace the web
#   container without touching the database).
#
# The second design is the usual one. A small real example: a **web** component (busybox `httpd`
# serving a file) and a **client** component (busybox `wget`), in two containers on one
# user-created network. On such a network podman runs a small DNS server (aardvark-dns), so a
# container can reach another **by its name**.
#
# The network name ends with this notebook's sandbox id, so two notebooks running at once never
# collide (root's networks are shared by the whole host; a rootless user's are kept in its
# storage).

# %%
NET = f"{NET_PREFIX}-{os.environ['PODMAN_COURSE_SANDBOX']}"
podman("network rm -f {NET}")  # left by an earlier run of this cell: removed first, nothing shown
%podman network create {NET}

# %% [markdown]
# The web component: a page in a directory, served by `httpd -f` (stay in the foreground) on port
# `WEB_LISTEN`. We put the page in with `-v` (a host directory mounted into the container; notebook
# 06 explains volumes).

# %%
site = work / "site"
site.mkdir(exist_ok=True)
(site / "index.html").write_text("hello from the web component\n")
podman("rm -f -t 0 web")  # left by an earlier run of this cell: removed first, nothing shown
r = %podman run -d --name web --network {NET} -v {site}:/www:ro busybox httpd -f -p {WEB_LISTEN} -h /www
assert r.ok, r
r

# %% [markdown]
# The syslog line comes from aardvark-dns, the small DNS server podman started for the network:
# it found no system log on this host to write to, which is harmless.
#
# The client component, in a second container on the same network, fetches the page **by the
# container name `web`**. httpd needs a moment to start listening, so the client tries again
# until it answers: `podman(...)` is `%podman` as a Python function (it fills in `{NET}` like
# `%podman`), and `wait_until` asks again until the command works (both from the kit's lesson
# API, `kernel_helpers.lesson`). If it never does, the cell stops with an error after 30
# seconds, showing the last answer (wget's exit status and message):

# %%
from kernel_helpers.lesson import podman, wait_until


def web_page():
    """The client's try at fetching the page (httpd needs a moment to listen)."""
    return podman("run --rm --network {NET} busybox wget -qO- http://web:{WEB_LISTEN}/")


# %%
r = wait_until(web_page, until=lambda r: r.ok, timeout=30, what="the web component to answer")
print(r.stdout.strip())

# %% [markdown]
# Each component is its own container: you can stop, upgrade or replace `web` without rebuilding the
# client, and the only thing they share is the network.
#
# ### Check yourself

# %%
assert r.stdout.strip() == "hello from the web component"
nets = %podman inspect --format "{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}" web
assert nets.stdout.strip() == NET
dns = %podman network inspect --format "{{.DNSEnabled}}" {NET}
print("name resolution (aardvark-dns) enabled on the network:", dns.stdout.strip())
assert dns.stdout.strip() == "true"
print("the client reached the web container by name over the user network: all good")

# %% [markdown]
# ## Clean up
# Remove the containers, the network and the images this notebook built, and the temporary files.

# %%
%podman rm -f -t 0 web

# %%
%podman network rm {NET}

# %%
r = %podman rmi localhost/course01-app1:latest localhost/course01-app2:latest
print("exit status:", r.returncode)
print("\n".join(sorted(line for line in r.stdout.splitlines() if line.startswith("Untagged"))))

# %%
shutil.rmtree(work, ignore_errors=True)
left = %podman ps -a
print("containers left:", len(left.df), "| temp dir removed:", not work.exists())

# %% [markdown]
# ## Recap
# - Two applications that need two versions of one library break each other on a shared
#   host; in two containers, each brings its own and both work.
# - A container is not a virtual machine: it runs on the host's kernel, so it starts in
#   moments and needs little memory, and it runs Linux programs only.
# - One component per container: a web server and its client talk over a network by name.
#
# **Next:** [02 · Images and registries](02_images_and_registries.ipynb): what a container is
# made from, and where it comes from. It ends with your first labs.
