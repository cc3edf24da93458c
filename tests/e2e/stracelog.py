"""Reads the output of `strace -f -tt -y -s N -o FILE` into calls, and checks the order in
which a token record became durable against the answer that acknowledged it.

The lines of one output file are in the order strace saw the events, so a line's index is a
clock shared by every thread: a call started at the index of its line (or of its
`<unfinished ...>` line) and ended at the index of its line (or of its `<... resumed>` line).
"A happened before B" is A.end < B.start: A had returned before B was entered."""

import os
import re
from dataclasses import dataclass

LINE = re.compile(r"^(\d+)\s+(\d\d:\d\d:\d\d\.\d+)\s+(.*)$")
CALL = re.compile(r"^([a-z0-9_]+)\((.*)$", re.S)
RESUMED = re.compile(r"^<\.\.\. ([a-z0-9_]+) resumed>(.*)$", re.S)
RESULT = re.compile(r"\)\s+=\s+(-?\d+|\?)(?:\s+(E[A-Z0-9]+).*)?$")
FD_PATH = re.compile(r"^(\d+)<(.*?)>(?:,|$)")
UNFINISHED = " <unfinished ...>"


@dataclass
class Call:
    pid: int
    time: str
    name: str
    args: str        # everything between the parentheses, as strace printed it
    result: int | None
    start: int       # index of the line the call was entered on
    end: int         # index of the line it returned on

    @property
    def fd_path(self):
        """The path strace -y printed for the first argument, when it is a descriptor."""
        match = FD_PATH.match(self.args)
        return match.group(2) if match else None

    @property
    def strings(self):
        """The string arguments, unescaped enough to compare paths."""
        return [s.encode().decode("unicode_escape", "replace") for s in re.findall(r'"((?:[^"\\]|\\.)*)"', self.args)]

    @property
    def ok(self):
        return self.result is not None and self.result >= 0


def parse(text):
    """The calls of a strace -f output, unfinished and resumed halves joined."""
    calls, pending = [], {}
    for index, line in enumerate(text.splitlines()):
        match = LINE.match(line)
        if not match:
            continue
        pid, time, rest = int(match.group(1)), match.group(2), match.group(3)
        if rest.startswith("---") or rest.startswith("+++"):
            continue
        resumed = RESUMED.match(rest)
        if resumed:
            started = pending.pop(pid, None)
            if started is None:
                continue
            name, head, start, begun = started
            calls.append(finish(pid, begun, name, head + resumed.group(2), start, index))
            continue
        call = CALL.match(rest)
        if not call:
            continue
        if rest.endswith(UNFINISHED):
            pending[pid] = (call.group(1), call.group(2)[:-len(UNFINISHED)], index, time)
        else:
            calls.append(finish(pid, time, call.group(1), call.group(2), index, index))
    return calls


def finish(pid, time, name, tail, start, end):
    result = RESULT.search(tail)
    args = tail[:result.start()] if result else tail
    value = None
    if result and result.group(1) != "?":
        value = int(result.group(1))
    return Call(pid, time, name, args, value, start, end)


WRITES = {"write", "writev", "pwrite64", "sendmsg", "sendto"}
RENAMES = {"rename", "renameat", "renameat2"}
LINKS = {"link", "linkat"}
MKDIRS = {"mkdir", "mkdirat"}


def is_socket(path):
    return path is not None and (path.startswith("socket:") or path.startswith("UNIX"))


def durability_problems(calls, token, record_file):
    """What is out of order for one acknowledged record: `token` went out in a write on a
    socket (the FastCGI answer with its redirect); before that write began, the record's bytes
    must have been written to a file (the journal, or the record file itself) and that file
    fdatasynced (or fsynced) after the write returned; the record file must have its name (a
    rename or link to `record_file`, or the replay of a journal); and every directory made on
    the way (the shard, the store) must have been fsynced in its parent. Empty when in order."""
    answers = [c for c in calls if c.name in WRITES and c.ok and is_socket(c.fd_path) and token in c.args]
    if not answers:
        return ["no answer on a socket carries the token"]
    answer = min(answers, key=lambda c: c.start)
    before = [c for c in calls if c.end < answer.start]
    problems = []

    written = [c for c in before if c.name in WRITES and c.ok and not is_socket(c.fd_path)
               and c.fd_path and token in c.args and not c.fd_path.endswith(".log")]
    flushed = None
    for write in written:
        flushes = [c for c in before if c.name in ("fdatasync", "fsync") and c.ok
                   and c.fd_path == write.fd_path and c.start > write.end]
        if flushes:
            flushed = (write, flushes[0])
            break
    if flushed is None:
        problems.append("no write of the record followed by an fdatasync of its file before the answer (writes: %s)"
                        % [(w.name, w.fd_path) for w in written])

    if flushed is not None and flushed[0].fd_path.endswith(".journal"):
        # The journal segment's own name must be durable too: renamed into place, then its
        # directory synced (and that directory's making synced in its parent, below).
        segment = flushed[0].fd_path
        renamed = [c for c in before if c.name in RENAMES and c.ok and segment in c.strings]
        if not renamed:
            problems.append("the journal segment %s was not named before the answer" % segment)
        elif not any(c.name == "fsync" and c.ok and c.fd_path == os.path.dirname(segment) and c.start > renamed[0].end
                     for c in before):
            problems.append("the journal folder was not fsynced after %s was named" % segment)
        problems += made_directories_unsynced(before, segment)

    named = [c for c in before if (c.name in RENAMES or c.name in LINKS) and c.ok and record_file in c.strings]
    if not named:
        problems.append("the record file %s was not given its name before the answer" % record_file)
    elif flushed is not None and flushed[0].fd_path != record_file and not any(n.start > flushed[1].end for n in named):
        problems.append("the record file was named before its journal entry was durable")

    return problems + made_directories_unsynced(before, record_file)


def made_directories_unsynced(before, path):
    """Each directory on `path` that was made (in `before`) without an fsync of its parent after."""
    problems = []
    directory = os.path.dirname(path)
    while directory not in ("/", ""):
        for mkdir in (c for c in before if c.name in MKDIRS and c.ok and directory in c.strings):
            parent = os.path.dirname(directory)
            if not any(c.name == "fsync" and c.ok and c.fd_path == parent and c.start > mkdir.end for c in before):
                problems.append("%s was made but its parent was not fsynced before the answer" % directory)
        directory = os.path.dirname(directory)
    return problems
