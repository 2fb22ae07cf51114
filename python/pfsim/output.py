"""Writing output files safely, by the rule every pfsim output follows.

An output is written inside a fresh private directory
`<out>.tmp-<host>-<pid>-<random hex>` made next to the target (mode 0700,
created by mkdtemp, so nobody else can plant a link in it while the writers
reopen the file by name), and renamed to `<out>` only when it is complete
and still a regular file. A target that exists and is not a regular file (a
symbolic link, directory, device or FIFO) is refused, and so is a target
that is the same file as an input or as another output of the same command.
On any failure, SIGINT or SIGTERM included, the temporary directory is
removed.
"""

import contextlib
import os
import shutil
import socket
import stat
import tempfile


class BadInput(ValueError):
    """A request that cannot be carried out as given (exit status 2)."""


def check_target(target, inputs=()):
    """Refuses a target that is not a regular file or is one of the inputs."""
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        st = None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise BadInput(f"{target}: refusing to write through a symbolic link")
        if not stat.S_ISREG(st.st_mode):
            raise BadInput(f"{target}: exists and is not a regular file")
        for source in inputs:
            try:
                if os.path.samefile(target, source):
                    raise BadInput(f"{target}: is the input file {source}; choose another output")
            except FileNotFoundError:
                continue
    directory = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(directory):
        raise BadInput(f"{target}: directory {directory} does not exist")


def check_distinct(outputs, inputs=()):
    """Refuses two outputs of one command that name the same file, or an
    output that names an input, however they are spelt."""
    seen = {}
    for out in outputs:
        key = os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(out))), os.path.basename(out))
        if key in seen:
            raise BadInput(f"{out}: the same file as the output {seen[key]}; choose another name")
        seen[key] = out
        for source in inputs:
            if key == os.path.realpath(source):
                raise BadInput(f"{out}: is the input file {source}; choose another output")


def temporary_prefix(target):
    host = socket.gethostname().split(".")[0] or "host"
    return f"{os.path.basename(target)}.tmp-{host}-{os.getpid()}-"


@contextlib.contextmanager
def safe_output(target, inputs=()):
    """Yields a temporary path to write; renames it to `target` on success.

        with safe_output("report.html", inputs=["run.h5"]) as tmp:
            write(tmp)
    """
    target = os.fspath(target)
    check_target(target, inputs)
    private = tempfile.mkdtemp(prefix=temporary_prefix(target), dir=os.path.dirname(os.path.abspath(target)))
    tmp = os.path.join(private, os.path.basename(target))
    try:
        yield tmp
        if not stat.S_ISREG(os.lstat(tmp).st_mode):
            raise OSError(f"{tmp}: the output written is not a regular file")
        # The target may have changed while the output was written.
        check_target(target, inputs)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(private, ignore_errors=True)


def prepare_directory(directory):
    """Creates an output directory if needed; refuses a non-directory or a link."""
    directory = os.fspath(directory)
    try:
        st = os.lstat(directory)
    except FileNotFoundError:
        os.makedirs(directory)
        return
    if stat.S_ISLNK(st.st_mode):
        raise BadInput(f"{directory}: refusing to write into a symbolic link")
    if not stat.S_ISDIR(st.st_mode):
        raise BadInput(f"{directory}: exists and is not a directory")
