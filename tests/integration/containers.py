"""Real OCI containers for the integration tests, without an image pull.

A Container builds a busybox-static rootfs in a temporary bundle, writes an
OCI config.json with a pid namespace and the cgroupsPath a layout asks for,
and drives runc: `run -d`, `exec` into the running container, `kill`,
`delete`. Nothing is pulled: the rootfs is the host's static busybox plus
whatever files a test adds.

Cleanup never depends on a test passing: delete() (also run by the context
manager, by unittest's addCleanup and at interpreter exit) kills and
force-deletes the container, removes every cgroup directory it created in
every hierarchy, and removes the bundle. sweep() removes what a killed
earlier run left behind (our runc state lives in its own --root, shared
by runs side by side: only containers whose owner pid is dead go).

The /proc readers below (cgroups_of, nspid_of, pidns_of, expected_cgroup)
are the oracle the tracer's fields are checked against; expected_cgroup()
is the hybrid-host rule written down in docs/CONTAINERS.md.
"""
import atexit
import ctypes
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time

BUSYBOX_CANDIDATES = ("/bin/busybox", "/usr/bin/busybox")
RUNC_ROOT = "/run/proclife-test-runc"
NAME_PREFIX = "proclife-test-"

# Files a dynamically linked host binary needs inside the rootfs: bound
# read-only from the host (Debian's merged /usr keeps /lib* as symlinks).
HOST_LIB_BINDS = ("/usr/lib", "/usr/lib64", "/lib", "/lib64")


# ---------------------------------------------------------------- layouts
# cgroupsPath per runtime layout. All are used with runc's cgroupfs driver:
# the systemd-driver names are emulated as plain directories, which is what
# the kernel (and so the tracer) sees either way.

def new_id():
    """A 64-hex container id, as docker, containerd and CRI-O make them."""
    return secrets.token_hex(32)


def new_pod_uid():
    """A Kubernetes pod uid (8-4-4-4-12)."""
    h = secrets.token_hex(16)
    return "-".join((h[:8], h[8:12], h[12:16], h[16:20], h[20:]))


def docker_cgroupfs(cid):
    return "/docker/" + cid


def docker_systemd(cid):
    return "/system.slice/docker-%s.scope" % cid


def cri_containerd(cid, pod_uid, qos="burstable"):
    pod = pod_uid.replace("-", "_")
    return ("/kubepods.slice/kubepods-{q}.slice/kubepods-{q}-pod{p}.slice/"
            "cri-containerd-{c}.scope").format(q=qos, p=pod, c=cid)


def crio(cid, pod_uid, qos="besteffort"):
    pod = pod_uid.replace("-", "_")
    return ("/kubepods.slice/kubepods-{q}.slice/kubepods-{q}-pod{p}.slice/"
            "crio-{c}.scope").format(q=qos, p=pod, c=cid)


def libpod(cid):
    return "/machine.slice/libpod-%s.scope" % cid


def kubepods_cgroupfs(cid, pod_uid, qos="burstable"):
    return "/kubepods/%s/pod%s/%s" % (qos, pod_uid, cid)


LAYOUTS = {
    "docker-cgroupfs": lambda cid: docker_cgroupfs(cid),
    "docker-systemd": lambda cid: docker_systemd(cid),
    "cri-containerd": lambda cid: cri_containerd(cid, new_pod_uid()),
    "crio": lambda cid: crio(cid, new_pod_uid()),
    "libpod": lambda cid: libpod(cid),
    "kubepods-cgroupfs": lambda cid: kubepods_cgroupfs(cid, new_pod_uid()),
}


# ---------------------------------------------------------------- /proc oracle

def cgroup_mounts():
    """{hierarchy key: mountpoint}; key "" is v2, else "name=systemd" or the
    controllers joined by ',' as /proc/PID/cgroup names them."""
    with open("/proc/cgroups") as f:
        controllers = {l.split()[0] for l in f if not l.startswith("#")}
    found = {}
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, right = line.split(" - ", 1)
            fstype, _source, opts = right.split()[:3]
            mnt = left.split()[4]
            if fstype == "cgroup2":
                found.setdefault("", mnt)
            elif fstype == "cgroup":
                keys = [o for o in opts.split(",")
                        if o in controllers or o.startswith("name=")]
                found.setdefault(",".join(keys), mnt)
    return found


def cgroup_lines(pid):
    """[(hierarchy id, key, path)] from /proc/PID/cgroup ("" is v2)."""
    out = []
    with open("/proc/%d/cgroup" % pid) as f:
        for line in f:
            hid, ctrl, path = line.rstrip("\n").split(":", 2)
            out.append((int(hid), ctrl, path))
    return out


def cgroups_of(pid):
    """{hierarchy key: path} from /proc/PID/cgroup ("" is the v2 line)."""
    return {ctrl: path for _hid, ctrl, path in cgroup_lines(pid)}


def expected_cgroup(pid):
    """The `cgroup` field for PID by the rule in docs/CONTAINERS.md: the v2
    path when the process is placed in v2 (not its root), else the v1
    name=systemd path, else the controller hierarchy with the lowest id."""
    lines = cgroup_lines(pid)
    cg = {ctrl: path for _hid, ctrl, path in lines}
    if cg.get("", "/") != "/":
        return cg[""]
    if "name=systemd" in cg:
        return cg["name=systemd"]
    v1 = sorted((hid, path) for hid, ctrl, path in lines if ctrl)
    return v1[0][1] if v1 else "/"


def cgroup_id_of(path):
    """The v2 cgroup id of PATH (relative to the v2 mount): its inode."""
    root = cgroup_mounts().get("")
    if root is None:
        return None
    return os.stat(os.path.join(root, path.lstrip("/"))).st_ino


def status_field(pid, name):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(name + ":"):
                return line.split(":", 1)[1].split()
    return None


def nspid_of(pid):
    """NSpid of PID: host pid first, innermost namespace's pid last."""
    return [int(x) for x in status_field(pid, "NSpid")]


def ppid_of(pid):
    return int(status_field(pid, "PPid")[0])


def pidns_of(pid):
    """Inode of PID's pid namespace (what the tracer calls pidns)."""
    return os.stat("/proc/%d/ns/pid" % pid).st_ino


def children_of(pid):
    """Host pids of PID's children (all threads' children)."""
    kids = []
    base = "/proc/%d/task" % pid
    for tid in os.listdir(base):
        try:
            with open("%s/%s/children" % (base, tid)) as f:
                kids += [int(x) for x in f.read().split()]
        except FileNotFoundError:
            pass
    return kids


# ---------------------------------------------------------------- runtime

def find_busybox():
    for p in BUSYBOX_CANDIDATES:
        if os.access(p, os.X_OK):
            out = subprocess.run(["file", "-L", p], capture_output=True, text=True).stdout
            if "statically linked" in out or "static-pie" in out:
                return p
    return None


def unavailable(runtime="runc"):
    """None when containers can run here, else the reason (for SkipTest)."""
    if os.geteuid() != 0:
        return "containers need root"
    if shutil.which(runtime) is None:
        return "%s is not installed (scripts/install-deps.sh installs it)" % runtime
    if find_busybox() is None:
        return "no static busybox (apt-get install busybox-static)"
    if runtime == "crun" and hybrid_host():
        return ("crun refuses hybrid cgroup hosts whose v2 hierarchy still has "
                "controllers (this one has: %s)" % v2_controllers())
    return None


def v2_controllers():
    root = cgroup_mounts().get("")
    if root is None:
        return ""
    with open(os.path.join(root, "cgroup.controllers")) as f:
        return f.read().strip()


def hybrid_host():
    m = cgroup_mounts()
    return "" in m and len(m) > 1


PR_SET_CHILD_SUBREAPER = 36
PR_GET_CHILD_SUBREAPER = 37
_libc = ctypes.CDLL(None, use_errno=True)


class _Adopting:
    """While inside, this process is a child subreaper: what runc leaves
    behind when it exits (the init of `run -d`, the process of `exec -d`)
    becomes our child, so its reap is ours and happens at once, instead of
    the host's pid 1 reaping it whenever it gets to it."""

    def __enter__(self):
        was = ctypes.c_int(0)
        _libc.prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(was), 0, 0, 0)
        self.was = was.value
        if _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
            raise ContainerError("prctl(PR_SET_CHILD_SUBREAPER): errno %d" % ctypes.get_errno())

    def __exit__(self, *exc):
        _libc.prctl(PR_SET_CHILD_SUBREAPER, self.was, 0, 0, 0)
        return False


def _reap(pid, block):
    """waitpid on an adopted pid: its wait status, or None if it still runs
    (or is not our child)."""
    try:
        got, status = os.waitpid(pid, 0 if block else os.WNOHANG)
    except ChildProcessError:
        return None
    return status if got == pid else None


_live = set()
_our_cgroup_dirs = set()  # created by a container of ours; removed when empty


@atexit.register
def _delete_leftovers():
    for c in list(_live):
        c.delete()


def _remove_cgroup_dirs(leaves):
    """rmdir the container's own cgroups (runc delete normally has; a last
    exiting process may hold one for a moment), then every directory one of
    our containers created that is now empty, deepest first. A directory a
    running container still uses stays until that container is deleted."""
    for d in leaves:
        for _ in range(50):
            try:
                os.rmdir(d)
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.02)
    for d in sorted(_our_cgroup_dirs, key=len, reverse=True):
        try:
            os.rmdir(d)
            _our_cgroup_dirs.discard(d)
        except FileNotFoundError:
            _our_cgroup_dirs.discard(d)
        except OSError:
            pass


def owner_pid(name):
    """The test process that named the container (NAME_PREFIX...-PID), or
    None when the name is not one of ours."""
    if not name.startswith(NAME_PREFIX):
        return None
    tail = name.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else None


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def sweep(runtime="runc"):
    """Force-delete containers a killed earlier run left in our runc root:
    only those whose owner (the test process whose pid ends the name) is
    dead. Test runs side by side share the root; each keeps its own."""
    if not os.path.isdir(RUNC_ROOT) or shutil.which(runtime) is None:
        return []
    swept = []
    for name in os.listdir(RUNC_ROOT):
        owner = owner_pid(name)
        if owner is None or owner == os.getpid() or _alive(owner):
            continue
        subprocess.run([runtime, "--root", RUNC_ROOT, "delete", "-f", name],
                       capture_output=True)
        swept.append(name)
    return swept


class ContainerError(RuntimeError):
    pass


class Container:
    """One OCI container. args: the init's command line (inside the rootfs).

    layout picks the cgroupsPath (a key of LAYOUTS) unless cgroups_path is
    given; cid is the 64-hex id the path embeds (a fresh one by default).
    files: {path in rootfs: host file} copied in; binds: host directories
    bound read-only at the same path (HOST_LIB_BINDS for dynamic binaries).
    """

    def __init__(self, args, layout="docker-cgroupfs", cid=None, cgroups_path=None,
                 runtime="runc", files=None, binds=(), env=(), network_ns=True):
        self.args = list(args)
        self.cid = cid or new_id()
        self.cgroups_path = cgroups_path or LAYOUTS[layout](self.cid)
        self.runtime = runtime
        # the owner's pid last: sweep() spares the containers of live runs
        self.name = NAME_PREFIX + self.cid[:12] + "-%d" % os.getpid()
        self.files = dict(files or {})
        self.binds = list(binds)
        self.env = list(env)
        self.network_ns = network_ns
        self.bundle = None
        self.pid = None
        self.init_status = None  # wait status of the init, once reaped
        self.adopted = {}        # host pid -> wait status (None: not reaped)
        self._leaf_cgroups = []
        self._started = False

    # -- bundle
    def _build_rootfs(self, rootfs):
        bb = find_busybox()
        if bb is None:
            raise ContainerError("no static busybox")
        for d in ("bin", "proc", "dev", "sys", "tmp", "etc"):
            os.makedirs(os.path.join(rootfs, d), exist_ok=True)
        shutil.copy2(bb, os.path.join(rootfs, "bin", "busybox"))
        applets = subprocess.run([bb, "--list"], capture_output=True, text=True,
                                 check=True).stdout.split()
        for a in applets:
            link = os.path.join(rootfs, "bin", a)
            if not os.path.lexists(link):
                os.symlink("busybox", link)
        with open(os.path.join(rootfs, "etc", "passwd"), "w") as f:
            f.write("root:x:0:0:root:/:/bin/sh\n")
        for dst, src in self.files.items():
            path = os.path.join(rootfs, dst.lstrip("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if os.path.lexists(path):
                os.unlink(path)  # an applet link: never write through it
            shutil.copy2(src, path)
        for b in self.binds:
            if os.path.isdir(b) and not os.path.islink(b):
                os.makedirs(os.path.join(rootfs, b.lstrip("/")), exist_ok=True)
            elif os.path.islink(b):
                target = os.readlink(b)
                path = os.path.join(rootfs, b.lstrip("/"))
                os.makedirs(os.path.dirname(path), exist_ok=True)
                if not os.path.lexists(path):
                    os.symlink(target, path)

    def config(self):
        """The OCI runtime config (runc spec's defaults, trimmed, plus ours)."""
        namespaces = [{"type": t} for t in ("pid", "ipc", "uts", "mount")]
        if self.network_ns:
            namespaces.append({"type": "network"})
        caps = ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"]
        mounts = [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
             "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
             "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666",
                         "mode=0620"]},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs",
             "options": ["nosuid", "noexec", "nodev", "ro"]},
            {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
             "options": ["nosuid", "nodev", "mode=1777"]},
        ]
        for b in self.binds:
            if os.path.isdir(b) and not os.path.islink(b):
                mounts.append({"destination": b, "type": "bind", "source": b,
                               "options": ["rbind", "ro", "nosuid", "nodev"]})
        return {
            "ociVersion": "1.0.2",
            "process": {
                "terminal": False,
                "user": {"uid": 0, "gid": 0},
                "args": self.args,
                "env": ["PATH=/bin:/usr/bin", "HOME=/"] + self.env,
                "cwd": "/",
                "capabilities": {k: caps for k in
                                 ("bounding", "effective", "permitted", "ambient")},
                "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
                "noNewPrivileges": True,
            },
            "root": {"path": "rootfs", "readonly": True},
            "hostname": self.cid[:12],
            "mounts": mounts,
            "linux": {
                "cgroupsPath": self.cgroups_path,
                "resources": {"devices": [{"allow": False, "access": "rwm"}]},
                "namespaces": namespaces,
                "maskedPaths": ["/proc/kcore", "/proc/keys", "/proc/timer_list",
                                "/sys/firmware"],
                "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                  "/proc/sysrq-trigger"],
            },
        }

    def _note_cgroup_dirs(self):
        """Remember which directories of cgroupsPath do not exist yet, in
        every hierarchy, so delete() removes exactly those."""
        parts = [p for p in self.cgroups_path.split("/") if p]
        self._leaf_cgroups = []
        for mnt in cgroup_mounts().values():
            for i in range(1, len(parts) + 1):
                d = os.path.join(mnt, *parts[:i])
                if not os.path.isdir(d):
                    _our_cgroup_dirs.add(d)
                    if i == len(parts):
                        self._leaf_cgroups.append(d)

    def _runc(self, *args, **kw):
        return subprocess.run([self.runtime, "--root", RUNC_ROOT] + list(args), **kw)

    def prepare(self):
        if self.bundle is None:
            self.bundle = tempfile.mkdtemp(prefix="proclife-ctr-")
            self._build_rootfs(os.path.join(self.bundle, "rootfs"))
            with open(os.path.join(self.bundle, "config.json"), "w") as f:
                json.dump(self.config(), f, indent=1)
        return self.bundle

    def _begin(self):
        self.prepare()
        self._note_cgroup_dirs()
        _live.add(self)
        self._started = True

    def log(self):
        """What the container's init (and runc, for run -d) wrote."""
        try:
            with open(os.path.join(self.bundle, "io.log"), errors="replace") as f:
                return f.read()
        except (OSError, TypeError):
            return ""

    # -- lifecycle
    def start(self, timeout=30):
        """runc run -d: returns the init's host pid. The init's stdout and
        stderr go to io.log in the bundle (never a pipe that would hold a
        caller waiting for EOF)."""
        self._begin()
        pidfile = os.path.join(self.bundle, "init.pid")
        with open(os.path.join(self.bundle, "io.log"), "wb") as out, _Adopting():
            p = self._runc("run", "-d", "--bundle", self.bundle, "--pid-file", pidfile,
                           self.name, stdin=subprocess.DEVNULL, stdout=out,
                           stderr=subprocess.STDOUT, timeout=timeout)
        if p.returncode != 0:
            raise ContainerError("%s run -d failed (%d): %s" % (
                self.runtime, p.returncode, self.log().strip()))
        with open(pidfile) as f:
            self.pid = int(f.read())
        self.adopted[self.pid] = None
        return self.pid

    def run(self, timeout=60):
        """runc run in the foreground: waits for the init; returns the
        CompletedProcess (its returncode is the init's exit status)."""
        self._begin()
        return self._runc("run", "--bundle", self.bundle, self.name,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)

    def command(self, *args):
        """The host command line that runs `runc ARGS` on this container
        (for a tracer that must launch the runtime itself)."""
        return [shutil.which(self.runtime), "--root", RUNC_ROOT] + list(args)

    def exec(self, args, detach=False, timeout=30):
        """runc exec into the running container. Foreground: returns the
        CompletedProcess. detach=True: returns the new process's host pid."""
        if not detach:
            return self._runc("exec", self.name, *args, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=timeout)
        pidfile = os.path.join(self.bundle, "exec-%s.pid" % secrets.token_hex(4))
        with open(os.path.join(self.bundle, "io.log"), "ab") as out, _Adopting():
            p = self._runc("exec", "-d", "--pid-file", pidfile, self.name, *args,
                           stdin=subprocess.DEVNULL, stdout=out,
                           stderr=subprocess.STDOUT, timeout=timeout)
        if p.returncode != 0:
            raise ContainerError("exec -d failed (%d): %s" % (p.returncode, self.log()))
        with open(pidfile) as f:
            pid = int(f.read())
        self.adopted[pid] = None
        return pid

    def reap(self, block=False):
        """Reap the adopted processes that have exited; returns the pids
        still running. The init's status lands in init_status."""
        running = []
        for pid, status in self.adopted.items():
            if status is None:
                status = _reap(pid, block)
                self.adopted[pid] = status
            if status is None:
                running.append(pid)
        if self.pid is not None:
            self.init_status = self.adopted.get(self.pid)
        return running

    def state(self):
        """runc's status ("created", "running", "stopped") or None if gone."""
        p = self._runc("state", self.name, capture_output=True, text=True)
        if p.returncode != 0:
            return None
        return json.loads(p.stdout)["status"]

    def kill(self, sig="KILL", all_processes=False):
        args = ["kill"] + (["--all"] if all_processes else []) + [self.name, str(sig)]
        return self._runc(*args, capture_output=True, text=True).returncode == 0

    def wait_stopped(self, timeout=10):
        """Until the init has exited and we reaped it (init_status is set)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.reap()
            if self.pid is None or self.init_status is not None:
                return True
            time.sleep(0.02)
        return False

    def delete(self):
        """Kill, force-delete, remove the cgroup directories we created and
        the bundle. Safe to call twice and after a failed start."""
        if self._started:
            # reap before delete: runc cannot finish with an init that is
            # still our unreaped zombie
            self._runc("kill", self.name, "KILL", capture_output=True)
            self.wait_stopped(timeout=5)
            self._runc("delete", "-f", self.name, capture_output=True)
            end = time.monotonic() + 5
            while self.reap() and time.monotonic() < end:
                time.sleep(0.02)
            _remove_cgroup_dirs(self._leaf_cgroups)
            self._started = False
        if self.bundle is not None:
            shutil.rmtree(self.bundle, ignore_errors=True)
            self.bundle = None
        _live.discard(self)

    def leftover_cgroups(self):
        """Directories of cgroupsPath still present in any hierarchy."""
        parts = [p for p in self.cgroups_path.split("/") if p]
        return [os.path.join(m, *parts) for m in cgroup_mounts().values()
                if os.path.isdir(os.path.join(m, *parts))]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.delete()
        return False
