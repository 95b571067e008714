"""The pseudonym key (假名化密钥): the secret of the keyed hash that replaces ID numbers.

Created once, atomically: the key is written into a temporary file opened with O_CREAT | O_EXCL and mode 0600,
flushed to disk, then linked to its final name (link fails if the name exists). Every process that races to
create it therefore ends up reading the same, complete key: never an empty or half-written one, never a file
anyone else could read. It lives outside the folder of the published warehouse (by default in DAGSTER_HOME),
so handing analysts that folder does not hand them the key. A key kept beside the warehouse by earlier
versions (.pseudonym.key) is moved there, never replaced: pseudonyms stay the same across years.
"""

from __future__ import annotations

import errno
import os
import secrets
import time
from pathlib import Path

LEGACY_NAME = ".pseudonym.key"
KEY_BYTES = 32


class PseudonymKeyError(RuntimeError):
    """The key cannot be used as it is; a person must decide (never guessed or replaced by the pipeline)."""


def _read(path: Path, wait_s: float = 2.0) -> bytes:
    """The key in the file. An empty file is waited for briefly (a creator on a file system without link()),
    then refused: an empty key would make the hash unkeyed and the ID numbers guessable."""
    deadline = time.monotonic() + wait_s
    while True:
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key.encode()
        if time.monotonic() > deadline:
            raise PseudonymKeyError(
                f"假名化密钥文件为空：{path}。请从备份恢复该文件（不要新建：新密钥会使人员假名与往年不一致）。"
                f" The pseudonym key file {path} is empty. Restore it from your backup (do not create a new one: "
                "a new key gives every person a different person_key than in earlier years)."
            )
        time.sleep(0.05)


def _write_new(path: Path, content: bytes) -> None:
    """Create `path` holding `content`, mode 0600 from its first byte, atomically; FileExistsError if it exists."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        os.write(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temporary, path)  # atomic, and fails if another process got there first
    except OSError as exc:
        if isinstance(exc, FileExistsError):
            raise
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        # A file system without hard links: O_EXCL on the final name, written at once (readers wait for it).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, content)
            os.fsync(fd)
        finally:
            os.close(fd)
    finally:
        temporary.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def move_legacy_key(legacy: Path, key_file: Path) -> None:
    """Move a key kept beside the warehouse by earlier versions to `key_file`, keeping it unchanged."""
    if not legacy.exists() or legacy.resolve() == key_file.resolve():
        return
    old = _read(legacy, wait_s=0)
    if key_file.exists():
        if _read(key_file) != old:
            raise PseudonymKeyError(
                f"发现两个不同的假名化密钥：{legacy}（数据仓库旁的旧位置）和 {key_file}。请保留生成现有假名的那一个，"
                f"删除或移走另一个。 Two different pseudonym keys: {legacy} (the old place beside the warehouse) and "
                f"{key_file}. Keep the one the existing pseudonyms were made with and remove the other."
            )
        legacy.unlink()  # the same key is already in its new place
        return
    try:
        _write_new(key_file, old + b"\n")
    except FileExistsError:
        return move_legacy_key(legacy, key_file)  # another process moved it at the same moment
    legacy.unlink(missing_ok=True)


def ensure_key(key_file: Path, legacy: Path | None = None) -> bytes:
    """The key in `key_file`, created there (atomically, 0600) if there is none yet. A legacy key is moved first."""
    key_file.parent.mkdir(parents=True, exist_ok=True)
    if legacy is not None:
        move_legacy_key(legacy, key_file)
    if not key_file.exists():
        try:
            _write_new(key_file, secrets.token_hex(KEY_BYTES).encode() + b"\n")
        except FileExistsError:
            pass  # created by a concurrent first run: read theirs
    return _read(key_file)

