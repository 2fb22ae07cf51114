"""Writing output files safely, by the rule every pfsim output follows.

An output is written under a fresh temporary name
`<out>.tmp-<host>-<pid>-<random hex>` in the target's directory, created
exclusively (O_CREAT | O_EXCL, so never through a planted link), and renamed
to `<out>` only when it is complete. A target that exists and is not a
regular file (a symbolic link, directory, device or FIFO) is refused, and so
is a target that is the same file as an input. On any failure the temporary
file is removed.
"""

import contextlib
import os
import secrets
import socket
import stat


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


def temporary_name(target):
    host = socket.gethostname().split(".")[0] or "host"
    return f"{target}.tmp-{host}-{os.getpid()}-{secrets.token_hex(8)}"


@contextlib.contextmanager
def safe_output(target, inputs=()):
    """Yields a temporary path to write; renames it to `target` on success.

        with safe_output("report.html", inputs=["run.h5"]) as tmp:
            write(tmp)
    """
    target = os.fspath(target)
    check_target(target, inputs)
    tmp = temporary_name(target)
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    os.close(fd)
    try:
        yield tmp
        # The target may have changed while the output was written.
        check_target(target, inputs)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes(target, data, inputs=()):
    """Writes `data` (bytes) to `target` by the rules above."""
    with safe_output(target, inputs) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)


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
