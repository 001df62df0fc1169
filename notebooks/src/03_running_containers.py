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
# # 03 · Running containers: run, ps, start, exec, stop, rm
#
# **Lecture notes:** "运行容器" (running containers: `podman run -it`, `--name`, `podman login`,
# `podman ps`, `start -i`, `exec -it`, `run --rm`), "管理容器" (managing containers: start,
# stop, restart, remove) and "在容器中运行命令" (running commands in a container), with the demo
# "演示实验---entry point 被压制" (demo: the entry point is suppressed).
#
# **You will learn to**
# - start a container with `podman run` and choose how you talk to it: `-i` (input), `-t`
#   (a terminal), `-it` (both), `-d` (in the background), `--name` and `--rm`;
# - log in to a registry that asks for a password (`podman login` / `podman logout`);
# - list containers (`podman ps`, `ps -a`), restart stopped ones (`start -i`, `start -ai`) and
#   run extra commands in running ones (`podman exec`);
# - stop, restart and remove containers (`stop`, `restart`, `rm`, `rm -f`, `rm -a`), reading
#   the container table before and after each step;
# - tell an image's **default command** from the command you give to `podman run`.
#
# > **About the images.** Every image in this course is a *locally built stand-in*, made from
# > Debian packages by the kit's recipes in `images/`. None of them is a Red Hat image, even when
# > its name (`ubi7/ubi`, `rhel8/httpd-24`, …) is the one the notes use. The sandbox's
# > registries.conf sends `registry.access.redhat.com/...` and `registry.redhat.io/...` to the
# > classroom registry on `localhost:5000`.

# %% tags=["parameters"]
# Parameters (a batch run of the notebook may give other values)
TIMEOUT = 120
NAME = "rhel7"  # the notes' container started with --name=rhel7
WEB = "web"     # the web server we run in the background (-d)

# %% [markdown]
# ## Load the kit
# `%podman` runs real podman in this notebook's private sandbox (see notebook 00).

# %%
%load_ext kernel_helpers
%config PodmanMagics.timeout = TIMEOUT

# %% [markdown]
# ### The container table
# We will look at the container table many times. `podman ps -a` shows columns that change
# from second to second (`Status` says "Up 2 seconds ago", `Created` is a time), so
# `containers()`, from the kit's lesson API (`kernel_helpers.lesson`), prints only two steady
# columns: the **name** and the **state** (`running`, `exited`, `created`...).
#
# When you do not give a name, podman invents one: two random words such as
# `happy_turing`. It is different on every run, so our `mask_random_name(name)` prints
# `<random name>` instead: the table uses it as `containers(rename=mask_random_name)`.
# `states()` returns the same table as a dictionary, for the "Check yourself" cells.
# (`podman(...)` is `%podman` as a Python function, also from the lesson API: it returns the
# result without showing it.)

# %%
import re

from kernel_helpers.lesson import containers, podman

RANDOM_NAME = re.compile(r"^[a-z]+_[a-z]+$")  # podman's invented names: adjective_surname


def mask_random_name(name):
    return "<random name>" if name not in (NAME, WEB) and RANDOM_NAME.match(name) else name


def states():
    """{name: state} of all the containers."""
    df = podman("ps -a").df
    return {mask_random_name(n): s for n, s in zip(df["Names"], df["State"])}


# %%
containers(rename=mask_random_name)

# %% [markdown]
# An empty sandbox: no containers yet.
#
# ### Fetch the images first
# The notes use full names such as `registry.access.redhat.com/ubi7/ubi:latest`. The first
# `podman run` with such a name would *pull* (download) the image and print a progress log.
# We pull both images now, quietly (`-q` prints only the image ID), so later cells show only
# what the containers do.

# %%
%podman pull -q registry.access.redhat.com/ubi7/ubi:latest

# %%
%podman pull -q registry.redhat.io/rhel8/httpd-24:latest

# %% [markdown]
# ## `podman run -i`: the container reads your input
# `-i` (`--interactive`) keeps the container's **standard input** open: what you type goes to
# the program inside. In a terminal you would type `bash` commands one by one. A notebook cell
# is not a terminal, so the kit uses the **cell body** as that input: write the `%%podman` line
# first, then the lines you would have typed. `bash` runs them, and stops at the end of the
# input, like pressing Ctrl-D. `--rm` removes the container when it stops (more below).

# %%
%%podman run -i --rm ubi8/ubi bash
echo "Hello from inside the container"
whoami
head -1 /etc/os-release
ps -o pid,comm -p 1

# %% [markdown]
# Inside, `bash` is process number 1: the container has its own process list. (The stand-in
# is Debian, as `/etc/os-release` says.)
#
# Without `-i` nobody can send input: `bash` finds its input already closed and exits at once,
# silently.

# %%
%podman run --rm ubi8/ubi bash

# %% [markdown]
# ## `podman run -t`: the container gets a terminal
# `-t` (`--tty`) gives the container a *pseudo-terminal*, so programs inside behave as if a
# person were sitting at a screen (prompts, colours, line editing). `-t` alone is fine for a
# one-shot command. The `tty` command prints the terminal it is connected to, or
# "not a tty" (and exit status 1):

# %%
%podman run -t --rm ubi8/ubi tty

# %%
%podman run --rm ubi8/ubi tty

# %% [markdown]
# ## `podman run -it`: the notes' example
# `-it` is `-i` and `-t` together: input *and* a terminal, the usual way to get a shell in a
# container: `podman run -it registry.access.redhat.com/ubi7/ubi:latest`. The image's default
# command is `/bin/bash`, so you land at a bash prompt.
#
# Here the kit keeps `-i` (the cell body is the input) and **drops `-t`**, because a notebook
# cell has no terminal to give. It says so in a note under the output.

# %%
%%podman run -it registry.access.redhat.com/ubi7/ubi:latest
echo "bash in ubi7, reading the cell body"
cat /etc/hostname | wc -c
exit

# %% [markdown]
# (`/etc/hostname` holds the container's short ID: 12 hexadecimal characters.)
#
# ### Check yourself
# The kit's note says `-t` was dropped, and the container is still there (no `--rm`), stopped:
# its `bash` reached the end of its input.

# %%
again = podman("run -it --rm registry.access.redhat.com/ubi7/ubi:latest", cell="exit")  # same flags
assert again.ok and "-t" in again.note, again  # the note: -t was dropped (in the kernel's language)
assert list(states().values()) == ["exited"], states()
print("all good")

# %% [markdown]
# ## `--name`: unique, or random when absent
# We gave no `--name`, so podman invented one: an adjective and a famous scientist's surname
# joined by `_`. It changes from run to run, so we test its shape rather than print it.

# %%
ps = %podman ps -a
auto_name = ps.df["Names"].iloc[0]
auto_id = ps.df["ID"].iloc[0]  # kept for later: we will remove this container by its ID
print("two lowercase words joined by _:", bool(RANDOM_NAME.match(auto_name)))

# %% [markdown]
# The notes name their container `rhel7` (`-it` again, so the cell body is bash's input). Run
# this cell a second time and podman refuses: the name is taken, as the next cells show.

# %%
%%podman run -it --name={NAME} registry.access.redhat.com/ubi7/ubi:latest
echo "my name is $(hostname), but podman calls me rhel7"

# %%
containers(rename=mask_random_name)

# %% [markdown]
# A name belongs to one container. Using it again is refused, even though `rhel7` has
# stopped: a stopped container still exists. This is podman's own message (the long hex
# number is the other container's ID):

# %%
dup = %podman run -d --name={NAME} registry.access.redhat.com/ubi7/ubi:latest sleep 600
dup

# %%
assert dup.returncode == 125 and "already in use" in dup.stderr, dup
print("duplicate name refused with exit status", dup.returncode)

# %% [markdown]
# ## `--rm`: remove the container when it stops
# The notes: `podman run --rm` runs a command without interacting with the container, then
# deletes the container. Compare the number of containers before and after:

# %%
before = len(states())
%podman run --rm ubi8/ubi echo "a short job"

# %%
print("containers before:", before, " after:", len(states()))

# %% [markdown]
# ## `-d`: run in the background
# A web server never "finishes", so in the foreground it would hold your terminal (or this
# notebook) for ever. `-d` (`--detach`) starts the container in the background and prints its
# full **container ID** (64 hexadecimal digits). We start the notes' web server image,
# `rhel8/httpd-24`, and call it `web`.

# %%
podman("rm -f -t 0 {WEB}")  # left by an earlier run of this cell: removed first, nothing shown
%podman run -d --name {WEB} registry.redhat.io/rhel8/httpd-24

# %% [markdown]
# ## `podman ps` and `podman ps -a`
# `podman ps` lists the **running** containers; `podman ps -a` (all) also lists the stopped
# ones. Here is the whole `ps -a` table once, the columns that change every second included:

# %%
full = %podman ps -a
full.df.assign(Names=full.df["Names"].map(mask_random_name))  # the invented name masked

# %% [markdown]
# `ID`, `Created` and `Status` change on every run; `State` says the same in one steady word.
# From now on we only print names and states. Running only:

# %%
containers(running_only=True, rename=mask_random_name)

# %% [markdown]
# All, stopped ones included:

# %%
containers(rename=mask_random_name)

# %% [markdown]
# ## `podman login`: registries that ask for a password
# The notes log in to Red Hat's registry (`podman login registry.redhat.io`). The classroom
# registry has a door that asks for a password too: `localhost:5001`, where learners may push
# images (into a store of its own: the course images on `localhost:5000` stay as they are). A
# wrong password is refused by the registry itself:

# %%
bad = %podman login -u student -p wrong-password localhost:5001
bad

# %%
assert bad.returncode != 0 and "invalid username/password" in bad.stderr, bad
print("wrong password refused:", bad.returncode != 0)

# %% [markdown]
# The course login is `student` / `redhat123`. (`-p` on the command line lands in your shell
# history; in a real terminal, leave it out and podman asks for it, or use `--password-stdin`.)

# %%
good = %podman login -u student -p redhat123 localhost:5001
good

# %%
assert good.ok and "Login Succeeded!" in good.stdout, good
%podman logout localhost:5001

# %% [markdown]
# ## `podman start -i` and `start -ai`: run a stopped container again
# `rhel7` has stopped. `podman start` starts it again, with the **same command** it was
# created with (`/bin/bash`) and the same name and files. Two flags matter:
# - `-a` (`--attach`): connect its output to you and wait for it;
# - `-i` (`--interactive`): connect its input.
#
# With `-ai` the cell body goes to bash again, and we see its output:

# %%
%%podman start -ai {NAME}
echo "started again, same container: $(hostname)"

# %% [markdown]
# The notes write `podman start -i rhel7`. Without `-a`, podman does not attach: it prints the
# name and returns, and the cell body is *not* read. The container keeps its input open, so
# its bash waits there for input that never comes: it stays **running** in the background.

# %%
%%podman start -i {NAME}
echo "nobody reads this line"

# %%
containers(rename=mask_random_name)

# %% [markdown]
# ## `podman exec`: one more process in a running container
# `podman exec` starts an **extra** process in a container that is already running. The notes
# open a shell in it: `podman exec -it rhel7 /bin/bash`. Here, again, `-i` with the cell body
# (`-t` would be dropped):

# %%
%%podman exec -i {NAME} /bin/bash
echo "a second bash, next to the first one:"
ps -eo comm
echo "process 1 is:"
ps -o comm= -p 1

# %% [markdown]
# `ps` shows the container's first `bash` (process 1, still waiting for input), the `bash` that
# `exec` started, and `ps` itself. When the second bash ends, the container keeps running,
# because its main process (PID 1) did not stop.
#
# `exec` also runs a one-shot command. The notes' `web` container runs the web server; its
# processes (`ps -ef` lists process IDs and start times, which change every run, so we print
# only the command column `CMD`):

# %%
r = %podman exec {WEB} ps -ef
for line in r.stdout.splitlines():
    print(line.split(None, 7)[-1])  # the 8th column: CMD

# %% [markdown]
# The stand-in is Debian, where the Apache web server is packaged as `apache2`; the image starts it
# under RHEL's name, `httpd`, as Red Hat's image does: one parent process and its workers.
# Output such as `ps -eo user,comm` is steady, and shows the parent runs as root and the
# workers as `www-data`:

# %%
r = %podman exec {WEB} ps -eo user,comm
sorted(set(r.stdout.split("\n")[1:-1]))

# %% [markdown]
# ## The default command, and how to replace it
# "当容器启动时，它会执行容器镜像的入口点命令": when a container starts, it runs the image's
# entry point / default command. `podman inspect` shows the two settings: `Entrypoint` (empty
# here) and `Cmd`, the default command:

# %%
img = %podman inspect registry.redhat.io/rhel8/httpd-24
img.df[["RepoTags", "Cmd", "Entrypoint"]]

# %% [markdown]
# `/usr/bin/run-httpd` starts the web server: that is what `web` runs. A command written
# after the image name **replaces** `Cmd`. The notes' demo ("entry point 被压制", the entry
# point is suppressed) runs the same image with `/bin/bash`: the web server never starts.

# %%
%%podman run -i --rm registry.redhat.io/rhel8/httpd-24 /bin/bash
ps -eo user,comm
pgrep -c httpd || echo "no web server running"

# %% [markdown]
# ### Check yourself
# Same image, two containers: with its default command it serves the web; with `/bin/bash`
# there is only bash.

# %%
with_bash = podman("run -i --rm registry.redhat.io/rhel8/httpd-24 /bin/bash",  # the cell above, again
                   cell="ps -eo user,comm\npgrep -c httpd || echo 'no web server running'")
with_default = %podman exec {WEB} ps -eo comm
assert "/usr/bin/run-httpd" in img.df["Cmd"].iloc[0], img.df["Cmd"]
assert "httpd" in with_default.stdout.split()
assert "httpd" not in with_bash.stdout.split() and "bash" in with_bash.stdout.split()
print("all good")

# %% [markdown]
# ## Managing containers: stop, restart, rm
# "管理容器": `podman stop` stops a running container, `podman restart` starts it again (stopped
# or running), `podman rm` removes a stopped container, `rm -f` also a running one, and
# `rm -a` all of them. We look at the table before and after each command.
#
# ### `podman stop`
# `stop` sends the main process a polite signal (SIGTERM) and waits, 10 seconds by default,
# before forcing it (SIGKILL). Apache stops at once:

# %%
containers(rename=mask_random_name)
%podman stop {WEB}

# %%
containers(rename=mask_random_name)

# %% [markdown]
# ### `podman restart`

# %%
%podman restart {WEB}

# %%
containers(rename=mask_random_name)

# %% [markdown]
# ### `podman rm` and `rm -f`
# `rm` removes a stopped container: here the one with the random name, given by its ID. The
# ID stands in for the name in every command.

# %%
%podman rm {auto_id}

# %%
containers(rename=mask_random_name)

# %% [markdown]
# `rm` refuses a running container (exit status 2, podman's message):

# %%
r = %podman rm {WEB}
r

# %%
assert r.returncode == 2 and "as it is running" in r.stderr, r
containers(rename=mask_random_name)

# %% [markdown]
# `rm -f` (`--force`) stops it first, then removes it:

# %%
%podman rm -f {WEB}

# %%
containers(rename=mask_random_name)

# %% [markdown]
# ### `podman rm -a`
# The notes: `rm -a` removes the stopped containers. Precisely: it removes every container
# it can, and refuses the running ones (they need `-f`). To have one of each, we run a short
# job *without* `--rm`, named `done`: it stops at once and stays, next to the running `rhel7`.

# %%
podman("rm -f done")  # left by an earlier run of this cell: removed first, nothing shown
%podman run --name done ubi8/ubi true

# %%
containers(rename=mask_random_name)

# %%
r = %podman rm -a
r

# %%
containers(rename=mask_random_name)

# %% [markdown]
# `done` is gone; `rhel7` is still running. Its bash ignores the polite signal (why, and how to
# fix it, just below), so `stop` would wait the full 10 seconds: `-t 1` (`--time`) waits only one
# second before forcing.

# %%
%podman stop -t 1 {NAME}

# %%
containers(rename=mask_random_name)

# %% [markdown]
# ### Check yourself
# Only `rhel7` is left, stopped, and `exec` into a stopped
# container is refused.

# %%
r = %podman exec {NAME} true
assert states() == {NAME: "exited"}, states()
assert r.returncode != 0 and "running containers" in r.stderr, r
print("all good")

# %% [markdown]
# ### Why `bash` and `sleep` ignore `stop`
# Apache stopped at once; `bash` (and `sleep`) made `stop` wait. The reason is where they run:
# the container's main process is **PID 1 of a new PID namespace**, and Linux protects a
# namespace's PID 1 as it protects the machine's `init`: a signal that PID 1 has **no handler**
# for is simply dropped, instead of doing its default action (for SIGTERM, ending the process).
# Apache installs a SIGTERM handler; `bash` and `sleep` install none. Only SIGKILL, sent from
# outside the namespace, cannot be dropped, and `podman stop` sends it when its wait is over.
#
# Two fixes, besides `-t`:
# - `--init`: podman starts a tiny init program (`catatonit`) as PID 1, which passes SIGTERM on to
#   your command; your command is then PID 2, not protected, and ends;
# - `--stop-signal SIGKILL` (or `STOPSIGNAL` in the image's Containerfile): `stop` sends a signal
#   that cannot be ignored (no clean shutdown, so only for programs with nothing to save).
#
# We measure: the same `sleep 600`, stopped with podman's default wait, three ways.

# %%
import time

import pandas as pd


def stop_time(*run_options):
    """Run `sleep 600` with RUN_OPTIONS, time a plain `podman stop`, remove it; return seconds."""
    podman("rm -f -t 0 sleeper")  # a left-over from an earlier run of this cell
    podman(["run", "-d", "--name", "sleeper", *run_options, "ubi8/ubi", "sleep", "600"], check=True)
    start = time.monotonic()
    stopped = podman("stop sleeper", check=True)
    seconds = time.monotonic() - start
    podman("rm -f -t 0 sleeper")
    return seconds, stopped.stderr


# %%
def in_words(seconds):
    """The measured time, in words that stay the same from run to run."""
    if seconds < 3:
        return "a moment (under 3 s)"
    return "about 10 s (the whole wait)" if 8 <= seconds < 20 else f"{seconds:.0f} s (unexpected)"


# %%
plain, warning = stop_time()
with_init = stop_time("--init")[0]
with_kill = stop_time("--stop-signal", "SIGKILL")[0]
pd.DataFrame([("podman run -d --name sleeper ubi8/ubi sleep 600", in_words(plain)),
              ("podman run -d --name sleeper --init ubi8/ubi sleep 600", in_words(with_init)),
              ("podman run -d --name sleeper --stop-signal SIGKILL ubi8/ubi sleep 600", in_words(with_kill))],
             columns=["started with", "podman stop took"])

# %% [markdown]
# What podman said when its wait ran out (its time stamp left out):

# %%
print(re.search(r'msg="([^"]*)"', warning).group(1))

# %%
assert 8 <= plain < 20 and "resorting to SIGKILL" in warning, (plain, warning)
assert with_init < 3 and with_kill < 3, (with_init, with_kill)
print("all good")

# %% [markdown]
# ## The same commands, from buttons
# Two widgets drive this sandbox. The **dashboard** lists its containers: pick one, then press
# Start, Stop, Restart, Remove or Logs, or type a command and press Exec. It refreshes itself
# every 5 seconds. The **run builder** writes the `podman run` command line as you fill in its
# form, and Run runs it. Both show the exact `podman` command each button ran, with its output
# and exit status: the command is what you learn. (The clean-up below removes whatever you ran.)

# %%
%podman_widget dashboard

# %%
from kernel_helpers.widgets import run_builder

run_builder(image="registry.redhat.io/rhel8/httpd-24:latest", name="web2")

# %% [markdown]
# ## Clean up
# Remove the last container, and the two images we pulled (the course images in the read-only
# store stay).

# %%
%podman rm -a -f -t 0

# %%
%podman rmi registry.access.redhat.com/ubi7/ubi:latest registry.redhat.io/rhel8/httpd-24:latest

# %%
containers(rename=mask_random_name)

# %% [markdown]
# ## Your turn: two labs
# As in notebook 02: `%lab start NAME` resets the lab and shows the task with its hints (open
# them one at a time), you type your commands in the cells under **Your answer**, and
# `%lab grade NAME` checks the real containers: PASS or FAIL per check, with a hint for each
# FAIL. Grading changes nothing; starting again resets the lab.

# %% [markdown]
# ### Lab 03-rhel7: run `rhel7` in the background, exec into it, stop it and start it again
# This notebook's `run -d`, `exec`, `stop` and `start` on one container, and a file that
# survives the stop.

# %%
%lab start 03-rhel7

# %% [markdown]
# #### Your answer
# One command per cell; the `exec` is a `%%podman exec -i rhel7 bash` cell, the shell command
# in its body.

# %% tags=["solution"]
%podman run -d --name rhel7 registry.access.redhat.com/ubi7/ubi:latest sleep infinity

# %% tags=["solution"]
%%podman exec -i rhel7 bash
echo 'hello from exec' > /tmp/notes.txt

# %% tags=["solution"]
%podman stop -t 1 rhel7

# %% tags=["solution"]
%podman start rhel7

# %% [markdown]
# #### Check your work

# %%
%lab grade 03-rhel7

# %% [markdown]
# ### Lab 03-entrypoint: a command replaces the image's default command
# The notes' demo "entry point 被压制" (the entry point is suppressed), as an unprivileged user
# like the notes' `user1`: every command runs rootless (`%podman --rootless ...`, or a
# `%%podman --rootless` cell when the command reads input).

# %%
%lab start 03-entrypoint

# %% [markdown]
# #### Your answer
# For apache: a `%%podman --rootless run -i --name apache … /bin/bash` cell, with `ps -ef` in
# its body. For shida: `-d`, nothing after the image, then `%podman --rootless exec shida ps -ef`
# (the server needs a second or two: run the exec again if no httpd shows).

# %% tags=["solution"]
from kernel_helpers.lesson import podman

r = podman("--rootless run -i --name apache registry.redhat.io/rhel8/httpd-24 /bin/bash", "ps -ef\n")
print("\n".join(line.split(None, 7)[-1] for line in r.stdout.splitlines()))

# %% tags=["solution"]
%podman --rootless run -d --name shida registry.redhat.io/rhel8/httpd-24

# %% tags=["solution"]
from kernel_helpers.lesson import wait_until

r = wait_until(lambda: podman("--rootless exec shida ps -ef"), until=lambda r: "httpd" in r.stdout,
               what="httpd to start in shida")
print("\n".join(sorted({line.split(None, 7)[-1] for line in r.stdout.splitlines()[1:]})))

# %% [markdown]
# #### Check your work

# %%
%lab grade 03-entrypoint

# %% [markdown]
# ### Clean up the labs
# Last started, first finished, as in notebook 02.

# %%
%lab finish 03-entrypoint

# %%
%lab finish 03-rhel7

# %% [markdown]
# ## Recap
# - `podman run` makes and starts a container: `-d` in the background, `--name` to name it,
#   `-i`/`-t` to talk to it, `--rm` to remove it when it ends.
# - `podman ps -a` lists every container and its state; `stop`, `start`, `restart` and `rm`
#   move it between states; `exec` runs one more command in a running container.
# - A command after the image name replaces the image's default command (`Cmd`); with none,
#   the default runs.
#
# **Next:** [04 · Ports and environment](04_ports_and_environment.ipynb): `-p`, `-e`, the
# notes' MariaDB server, rootless containers, and its labs 04-web-page, 04-mariadb and 04-rootless-port.
