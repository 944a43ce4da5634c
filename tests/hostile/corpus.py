"""The hostile corpus: submissions that attack the grader, each with the outcome it must get.

A case is an honest solution (``honest/<assignment>.py``, from tests/variants/*_alternatives.py) in
which one function or class is replaced by an attack (``<assignment>/<case>.py``: the definitions it
replaces, spliced in by builders.splice), or an entry that attacks the grader before any code runs
(a symbolic link, a named pipe, a zip, a broken notebook, an odd file name), made at test time by a
builder (builders.py): links, pipes, zip bombs and huge notebooks do not belong in git.

The attack sits where the loader runs code: function bodies (called by the checks), class bodies,
decorators and default arguments (run when the submission is loaded). Top-level statements are not
run by the loader; ``toplevel_attacks`` shows which are skipped and which (calls through imported
modules assigned to a name) do run, inside the worker like everything else.

What a case must get (tests/test_hostile_corpus.py grades each assignment's cases in one class run
of the real CLI, with one honest student who must score 100 %):

- at most ``max_percent``: what its honest parts earn, measured by grading the case with the
  attacked definitions made to raise NotImplementedError (``python tests/hostile/measure.py``),
  plus ``allowance`` where the attack's own garbage legitimately passes a check (zeros of the right
  shape pass a check of shapes only; the case says so);
- ``reason``, a regular expression that what its result says about lost points (load error, load
  notes, the messages of the checks it did not pass) must match;
- none of ``must_not_contain`` in its JSON or HTML reports, no match of ``must_not_render`` (markup
  that must have been escaped or stripped) in its HTML reports or the class overview;
- a result within ``max_seconds`` when given (an attack on the grader's time limits);

and, for every case, what the test checks across the run: no project file, canary or report of
another student changed, no file appeared where the worker must not write, no process left behind
(``sleep 77xx``, ``HOSTILE-DAEMON``, a zygote), the decoy process alive, no connection to the
listeners, no ``HOSTILE-BREACH`` (an attack reporting its own success) and no ``HOSTILE-UID=0``
(student code running as root) in any output. Attacks that write print ``HOSTILE-WROTE`` for what
they could write, which may be their own private copy of a folder: whether anything landed where
it must not, the test sees on the disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from hostile.builders import (Builder, broken_backward_cell, fifo_entry, folder_of_link, folder_with_link,
                              fragment_source, honest_source, html_outputs, huge_cells, link_entry, module, modules,
                              notebook, raw, reference_path, shell_escapes, zip_bomb, zip_link_member,
                              zip_many_members, zip_slip, zip_with)

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent
ASSIGNMENTS = ("cnn-numpy", "seq-models", "rnn-scratch")
HONEST = "honest"                                     # the honest student: honest.py, must score 100 %

TMP_CANARY = Path("/tmp/grader-hostile-canary")       # hard-coded in the cases: the worker's environment is cleared
PROJECT_CANARY = PROJECT / "reports" / "hostile-canary"
HOST_TMP_FOLDERS = (Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"))   # where HOSTILE-* files must not appear
BREACH = "HOSTILE-BREACH"                             # printed by an attack that got what it wanted
FORGED = "HOSTILE-FORGED"                             # what write_output_folder writes into the reports
UID = re.compile(r"HOSTILE-E?UID=(\d+)")
LEFTOVER = re.compile(r"grader\.zygote|\bsleep 77\d\d\b|HOSTILE")   # in `ps` args after the run: a process it left

# Reasons, in the words the grader's messages use (a few alternatives: the sandbox is being rewritten).
TIMEOUT = r"ran for more than|time budget|timed? ?out"
CRASHED = r"stopped unexpectedly|crashed|killed"
MEMORY = r"MemoryError|out of memory|can't allocate|memory limit|stopped unexpectedly"
NOT_PLAIN = r"malformed reply|too large to send back|not plain data|over the limit|cannot travel"
NO_REFERENCE = r"hostile: no reference found"
# Markup from a submission that would run or load something in the instructor's browser.
HOSTILE_MARKUP = r"<script[ >]|<(?:img|iframe|a)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?://hostile|javascript:)"
WROTE = r"hostile: wrote what it could"     # the write cases' own words; whether anything landed the test sees


@dataclass(frozen=True)
class Case:
    name: str
    assignment: str
    attempts: str              # what the submission tries, in a sentence
    expect: str                # the outcome it must get, in a sentence
    max_percent: float         # the most it may earn: its honest parts (measure.py), plus ``allowance``
    reason: str | None         # regex its result must match (None: it loses nothing it could keep)
    build: Builder | None = None            # default: honest + <name>.py spliced, handed in as <name>.py
    fragment: str | None = None             # the attack's file when it is not <name>.py
    must_not_contain: tuple[str, ...] = ()  # in its result (JSON) or its reports (HTML)
    must_not_render: tuple[str, ...] = ()   # regexes for markup its reports (HTML) must not hold unescaped
    max_seconds: float | None = None        # its result's duration_s
    allowance: float = 0.0                  # points (percent) its garbage earns by design, said in ``expect``

    def entries(self, folder: Path) -> list[str]:
        """Write the case into the class ``folder``; the names of the entries it made there."""
        return (self.build or module())(self, folder)


# --- the cases ------------------------------------------------------------------------------------
CNN = "cnn-numpy"
SEQ = "seq-models"
RNN = "rnn-scratch"

CASES: tuple[Case, ...] = (
    # ---- cnn-numpy: reading the reference ----
    Case("read_ref_open_path", CNN, "softmax opens <project>/reference/cnn_numpy.py, found next to the grader package",
         "the reference is not in the worker's view: softmax raises, its checks fail", 82.0, NO_REFERENCE),
    Case("read_ref_walk_disk", CNN, "relu walks /, /work, /home, /root, /tmp and every path in the environment for "
         "reference/cnn_numpy.py", "nothing found: relu's check and the CNN built on it fail", 90.0, NO_REFERENCE),
    Case("read_ref_proc_cwd", CNN, "leaky_relu opens /proc/<pid>/cwd/reference/cnn_numpy.py for every pid (the grader "
         "runs in the project)", "no process outside the worker is visible: leaky_relu's check fails", 96.0, NO_REFERENCE),
    Case("read_ref_proc_root", CNN, "tanh opens /proc/<pid>/root/<project>/reference/cnn_numpy.py, /proc/1/root first",
         "no way out through /proc: tanh's check fails", 95.0, NO_REFERENCE),
    Case("read_ref_proc_environ", CNN, "the output-size function reads /proc/<ppid>/environ and every /proc/*/environ "
         "and looks for the reference under each path", "the environment is cleared and other processes are out of "
         "sight: its check fails", 95.0, NO_REFERENCE),
    Case("read_ref_proc_cmdline", CNN, "get_embossing_filter reads /proc/*/cmdline for the assignment folder, its "
         "assignment.toml's project_root and any path near the reference", "no such command line is visible: its "
         "check fails", 95.0, NO_REFERENCE),
    Case("read_ref_git_show", CNN, "pooling_function runs `git -C <project> show HEAD:reference/cnn_numpy.py` and "
         "`git cat-file`", ".git is not in the worker's view: pooling's checks fail", 78.0, NO_REFERENCE),
    Case("read_ref_meta_path", CNN, "MultiLayerPerceptron.forward_prop drops the import guard from sys.meta_path, "
         "puts the project on sys.path and imports reference.cnn_numpy", "there is nothing to import: the MLP's "
         "forward checks fail", 83.0, NO_REFERENCE),
    Case("read_ref_spec_from_file", CNN, "pooling_layer loads <project>/reference/cnn_numpy.py with "
         "importlib.util.spec_from_file_location", "no such file in the worker's view: pooling_layer's checks fail",
         85.0, NO_REFERENCE),
    Case("read_ref_dunder_import", CNN, "CNN calls __import__ on reference.cnn_numpy, cnn_numpy and suites.cnn_numpy "
         "after adding the project, reference/ and tests/ to sys.path, then searches sys.modules", "nothing to "
         "import, nothing trusted loaded in the worker: CNN's check fails", 95.0, NO_REFERENCE),
    Case("read_ref_patch_import_guard", CNN, "sigmoid empties the worker's list of hidden packages, reloads "
         "grader.worker and imports the reference", "the reference is still not on the disk it sees: sigmoid's "
         "check fails", 90.0, NO_REFERENCE),
    Case("read_ref_grader_api", CNN, "convolution_function loads the assignment and reference with the grader's own "
         "API (find_assignment, load_assignment, load_reference)", "the assignment and reference are out of sight: "
         "the convolution checks fail", 75.0, NO_REFERENCE),
    Case("read_ref_symlink_in_folder", CNN, "a folder holding solution.py and reference_link.py, a symbolic link to "
         "the reference; softmax finds the folder on the grader's command line and reads the link",
         "the worker gets a copy of the regular files only and sees no command line: softmax's checks fail", 82.0,
         NO_REFERENCE, build=folder_with_link),
    Case("symlink_entry_to_reference", CNN, "the entry itself (symlink_entry_to_reference.py) is a symbolic link to "
         "reference/cnn_numpy.py, which a trusted process would read and hand to the worker as the student's code",
         "the link is not followed: nothing is graded, 0 points", 0.0, r"symbolic link",
         build=link_entry(reference_path), fragment=""),
    Case("symlink_entry_to_passwd", CNN, "the entry is a symbolic link to /etc/passwd, which the grader would read "
         "into the student's report", "the link is not followed, and no line of /etc/passwd shows in any report",
         0.0, r"symbolic link", build=link_entry(lambda case: Path("/etc/passwd")), fragment="",
         must_not_contain=("root:x:0:0", "/bin/bash", "/usr/sbin/nologin")),
    Case("folder_link_only", CNN, "a folder whose only .py is a symbolic link to the reference",
         "links in a folder are left out: no file to grade, 0 points", 0.0, r"symbolic link|no \.ipynb or \.py",
         build=folder_of_link, fragment=""),
    Case("zip_link_member", CNN, "a zip whose solution.py member is stored as a symbolic link to the reference",
         "the member is left out (never made into a link or a file holding the path): 0 points", 0.0,
         r"symbolic link|no \.ipynb or \.py|could be loaded", build=zip_with(zip_link_member), fragment=""),
    Case("class_body_reads_reference", CNN, "the class body of MultiLayerPerceptron (run at load time) reads the "
         "reference by path, through /proc/*/cwd and /proc/1/root, and with git show; forward_prop answers with it",
         "the class body finds nothing: the MLP's forward checks fail", 83.0, NO_REFERENCE),
    Case("default_arg_attack", CNN, "softmax's default argument (evaluated at load time) reads the reference through "
         "the project path and /proc/*/cwd", "the default is None: softmax's checks fail", 82.0, NO_REFERENCE),
    # ---- cnn-numpy: writing outside ----
    Case("write_output_folder", CNN, "get_embossing_filter finds the reports folder on the grader's command line and "
         "appends to grades.csv and journal.jsonl, overwrites honest.json and writes a 100 % JSON of its own",
         "the reports folder is out of sight: nothing there changes, its check fails", 95.0, WROTE),
    Case("write_project_tree", CNN, "relu creates HOSTILE-* files in the project root, grader/, reference/, tests/, "
         ".git/ and reports/, and opens README.md and grader/cli.py for appending",
         "the project is not in the worker's view: nothing is created or opened", 90.0, WROTE),
    Case("write_through_proc_links", CNN, "tanh writes through /proc/<pid>/cwd and /proc/<pid>/root of every process "
         "into the project, the canaries and /tmp", "no process outside is visible: nothing is written", 95.0,
         WROTE),
    Case("write_canaries", CNN, "pooling_layer appends to canary.txt and creates files in /tmp/grader-hostile-canary "
         "and <project>/reports/hostile-canary (both world-writable), /tmp, /var/tmp and /dev/shm",
         "the worker's /tmp is private and the rest is not there: no canary changes, no file appears", 85.0,
         WROTE),
    Case("decorator_attack", CNN, "a decorator on pooling_function (run at load time) writes to the canaries, the "
         "project and /tmp, and starts `sleep 7775` in a new session", "nothing is written and the sleep dies with "
         "the worker; pooling_function itself is garbage, so its checks fail (pooling_layer hands its windows to that "
         "pooling_function, so pooling-layer.windowed gives it follow-through credit: 2 points of allowance)", 80.0,
         r"does not match|shapes do not", allowance=2.0),
    Case("toplevel_attacks", CNN, "top-level statements: open() and os.system() expressions and a for loop (skipped "
         "by the loader), and assignments whose values are os.system(...), subprocess.Popen(...) with a new session "
         "and os.kill(getppid(), 0) (kept: calls through imported modules)", "the skipped ones are listed as skipped; "
         "the kept ones run in the worker and are contained: no file appears outside it and the `sleep 7776` dies with "
         "it; the honest code scores full marks", 100.0, r"skipped"),
    # ---- cnn-numpy: forging results ----
    Case("forge_print_report", CNN, "softmax prints a fake 'PASSED 100/100' report and result JSON on stdout, stderr "
         "and the worker's real fds, and returns the string 'PASSED'", "printed text is only shown as output: "
         "softmax's checks fail (it leaves its input alone, which is all activations.keep-input asks: 2 points of "
         "allowance)", 84.0, r"returned 'PASSED'", allowance=2.0),
    Case("forge_eq_always_true", CNN, "relu returns an object whose __eq__ is always True and that pretends to be an "
         "array (__array__, shape, dtype)", "it is not plain data, so it stays in the worker: relu's check fails (the "
         "CNN built on relu turns it into zeros and still returns a distribution, which is all cnn.output asks: 5 "
         "points of allowance; relu leaves its input alone, which is all activations.keep-input asks: 2 more)", 97.0,
         r"Handle|_HostileAnything", allowance=7.0),
    Case("forge_deep_nesting", CNN, "pooling_function returns a list nested 100000 deep", "it cannot be sent back "
         "(or is rejected): pooling's checks fail, the run goes on", 78.0, r"RecursionError|recursion|" + NOT_PLAIN),
    Case("forge_huge_array", CNN, "convolution_function returns np.broadcast_to(0.0, (2**28,)), 2 GiB once made "
         "contiguous", "the worker cannot send it (memory limit) or the grader refuses it: the convolution checks "
         "fail", 75.0, MEMORY + "|" + NOT_PLAIN),
    Case("forge_metaclass_loop", CNN, "the output-size function returns an object whose metaclass makes "
         "type(obj).__name__ and __module__ loop forever, whose __repr__ loops and whose __len__/__array__ raise",
         "the call is stopped at its time limit: its check fails", 95.0, TIMEOUT + "|" + CRASHED),
    Case("forge_meta_tensor", CNN, "sigmoid returns a torch tensor on the meta device (a shape without values)",
         "a meta tensor cannot be sent back: sigmoid's check fails", 90.0, r"meta|" + NOT_PLAIN),
    Case("forge_grader_markers", CNN, "leaky_relu returns a dict shaped like the grader's encoded array "
         "({'__nd__': 0, ...}) holding grader.wire.Handle and grader.submission.Fn objects",
         "a dict travels as a dict: leaky_relu's check fails (it leaves its input alone, which is all "
         "activations.keep-input asks: 2 points of allowance)", 98.0, r"got dict|a dict", allowance=2.0),
    Case("forge_html_output", CNN, "relu prints HTML (a script, a remote image, a javascript: link, a fake score) "
         "and raises an exception whose message is that HTML", "the reports show it as text, escaped: relu's check "
         "fails", 90.0, r"your code raised ValueError",
         must_not_render=(HOSTILE_MARKUP,)),
    # ---- cnn-numpy: the worker's socket ----
    Case("wire_slow_loris", CNN, "get_embossing_filter writes a reply length on the worker's socket, then one byte a "
         "second for 30 s (each byte inside the per-call limit), then nothing", "the call is stopped at its time "
         "limit for the whole reply, not after 30 s of trickle: its check fails quickly", 95.0, TIMEOUT,
         max_seconds=25.0),
    Case("wire_huge_header", CNN, "pooling_layer writes a reply header that claims 4 GiB on the worker's socket",
         "the reply is refused as malformed: pooling_layer's checks fail", 85.0, NOT_PLAIN + "|" + CRASHED),
    Case("wire_deep_json", CNN, "convolution_layer writes a well-framed reply whose JSON header nests 100000 lists",
         "the reply is refused as malformed (not blamed on the suite): the layer's checks fail", 87.0, NOT_PLAIN),
    # ---- cnn-numpy: signals and processes ----
    Case("kill_parent", CNN, "the output-size function sends SIGKILL to its parent (the process workers are forked "
         "from)", "the parent is out of reach (or is restarted): only this check fails, every other exercise is "
         "graded", 95.0, r"hostile: killed|" + CRASHED),
    Case("killpg_parent", CNN, "pooling_function sends SIGKILL to its parent's process group (the grader's own, "
         "where the sandbox shares it)", "no process outside the worker is signalled: pooling's checks fail, the run "
         "goes on", 78.0, r"hostile: killed|" + CRASHED),
    Case("kill_minus_one", CNN, "CNN calls kill(-1, SIGKILL): every process it may signal", "only the worker's own "
         "processes are in reach: CNN's check fails, the run goes on", 95.0, r"hostile: sent SIGKILL|" + CRASHED),
    Case("kill_decoy", CNN, "tanh finds the instructor's `sleep 9191` (started outside the sandbox before the run) in "
         "/proc and sends it SIGKILL", "the decoy is not visible and stays alive: tanh's check fails", 95.0,
         r"hostile: went after the decoy"),
    Case("ptrace_proc_mem", CNN, "leaky_relu reads /proc/<pid>/mem of every other process, looking for the "
         "reference's docstring in the grading process's memory", "no other process is visible: nothing is read, "
         "leaky_relu's check fails", 96.0, r"hostile: read the memory"),
    Case("signals_ignored_loop", CNN, "sigmoid ignores SIGTERM, SIGINT, SIGHUP, SIGXCPU and more, re-arms SIGALRM "
         "every 50 ms and loops forever", "SIGKILL at the call's time limit: sigmoid's check times out; after two "
         "limits (6 s here) sigmoid is not called again, so the whole submission is graded within the README's cap "
         "plus its honest part", 90.0, TIMEOUT, max_seconds=30.0),
    # ---- cnn-numpy: processes left behind ----
    Case("daemon_double_fork", CNN, "convolution_layer forks, calls setsid, forks again and execs `sleep 7771`",
         "the daemon dies with the worker (its pid namespace): no `sleep 7771` after the run", 87.0,
         r"hostile: left"),
    Case("daemon_python_loop", CNN, "pooling_function double-forks with setsid and execs a Python that sleeps "
         "forever (HOSTILE-DAEMON-7772)", "it dies with the worker: no such process after the run", 78.0,
         r"hostile: left"),
    Case("daemon_popen_new_session", CNN, "get_embossing_filter runs subprocess.Popen(['sleep', '7773'], "
         "start_new_session=True)", "it dies with the worker: no `sleep 7773` after the run", 95.0, r"hostile: left"),
    Case("daemon_threads_atexit", CNN, "softmax starts a non-daemon thread that writes to /tmp forever and registers "
         "atexit handlers that would start `sleep 7774`", "the thread dies with the worker, the handlers never run",
         82.0, r"hostile: started threads"),
    # ---- cnn-numpy: network ----
    Case("net_localhost", CNN, "relu connects to the test's listeners on 127.0.0.1:47771, [::1]:47771 and the "
         "abstract unix socket @grader-hostile-listener", "the worker has no network: no connection arrives",
         90.0, r"hostile: tried the host's listeners"),
    Case("net_forkserver", CNN, "relu connects to every unix socket in the host's temporary folders, the grader's "
         "forkserver's (pymp-*) first", "none is there to see: the worker has a /tmp of its own",
         90.0, r"hostile: tried \d+ unix sockets"),
    # ---- cnn-numpy: exhausting ----
    Case("exhaust_memory", CNN, "softmax allocates bytearray(10**11), then 256 MiB blocks until stopped",
         "the memory limit stops it: softmax's checks fail, the run goes on", 82.0, MEMORY),
    Case("exhaust_disk", CNN, "get_embossing_filter writes 10 GB to its working folder and to /tmp in 16 MiB chunks",
         "the file-size limit stops it after 16 MiB: its check fails", 95.0, r"hostile: wrote \d+ bytes"),
    Case("lift_rlimits", CNN, "leaky_relu tries to raise the hard limits on memory, file size, files, CPU and "
         "processes (it allocates nothing)", "no limit can be raised: leaky_relu's check fails", 96.0,
         r"hostile: tried to lift"),
    # ---- cnn-numpy: patching ----
    Case("patch_numpy", CNN, "softmax makes np.allclose, isclose, array_equal and np.testing's asserts agree with "
         "anything, and returns zeros of the right shape", "comparisons happen in the grading process: softmax's "
         "checks fail (it leaves its input alone, which is all activations.keep-input asks: 2 points of allowance)",
         84.0, r"must sum to 1|does not match", allowance=2.0),
    Case("patch_builtins", CNN, "relu replaces builtins.isinstance (always True), len (always 0), open and repr "
         "in the worker, and returns zeros", "the worker's replies break or are refused: relu's check fails, the run "
         "goes on", 90.0, CRASHED + "|" + NOT_PLAIN + "|your code raised"),
    Case("patch_grader_wire", CNN, "tanh replaces grader.wire.encode and grader.wire.send in the worker (every reply "
         "an array of 0.5, 'PASSED' appended to the output) and the SAFE_FUNCTIONS table", "verdicts are made in the "
         "grading process on what arrives: the forged values fail (and tanh's own KeyError fails its check; each "
         "check starts from the loaded submission, so the patches reach no other)", 95.0,
         r"does not match|Mismatched elements|raised KeyError"),
    # ---- cnn-numpy: entries ----
    Case("nb_invalid_json", CNN, "a .ipynb that is not JSON", "the notebook cannot be read: 0 points, and the report "
         "says why", 0.0, r"not a readable Jupyter notebook", build=raw('{"cells": [ this is not json'), fragment=""),
    Case("nb_huge_cells", CNN, "a notebook with a 20 MB comment cell, a 5 MB markdown cell, a 10 MB saved output and "
         "a softmax that returns garbage", "it is graded like any notebook: only softmax's checks fail", 82.0,
         r"hostile: an odd entry", build=notebook(huge_cells), fragment="odd_entry.py"),
    Case("nb_html_output", CNN, "a notebook whose saved outputs and markdown hold a script, a remote image, an iframe "
         "and a javascript: link, with a softmax that returns garbage", "the page that shows the notebook strips "
         "them: none of them is in any report; only softmax's checks fail", 82.0, r"hostile: an odd entry",
         build=notebook(html_outputs), fragment="odd_entry.py",
         must_not_render=(HOSTILE_MARKUP,)),
    Case("fifo_entry", CNN, "the entry fifo_entry.py is a named pipe: reading it would block forever",
         "it is not read: 0 points, and the report says why", 0.0, r"not a regular file", build=fifo_entry,
         fragment=""),
    Case("zip_slip", CNN, "a zip with members named ../../../../../../../../../tmp/HOSTILE-zip_slip.py and "
         "/tmp/HOSTILE-zip_slip_absolute.py",
         "the zip is refused: 0 points, nothing written outside the extraction folder", 0.0,
         r"outside the folder|refused", build=zip_with(zip_slip), fragment=""),
    Case("zip_bomb", CNN, "a zip whose data.bin member inflates to 300 MB (from about 300 KB)", "the zip is refused "
         "before extraction: 0 points", 0.0, r"unpacks to more than", build=zip_with(zip_bomb), fragment=""),
    Case("name_unicode", CNN, "an entry named '  Ünïcødé  名前 — Lösung (1) .py' with a softmax that returns garbage",
         "graded under a safe id: only softmax's checks fail", 82.0, r"hostile: an odd entry",
         build=module("  Ünïcødé  名前 — Lösung (1) .py"), fragment="odd_entry.py"),
    Case("name_collisions", CNN, "three entries, 'COLLIDE ME.py', 'Collide Me.py' and 'collide_me.py', whose ids "
         "are the same once sanitised", "three results under distinct ids: only softmax's checks fail in each", 82.0,
         r"hostile: an odd entry", build=modules("COLLIDE ME.py", "Collide Me.py", "collide_me.py"),
         fragment="odd_entry.py"),
    Case("name_very_long", CNN, "an entry name of 255 bytes, the most a file system allows (its report names are "
         "longer)", "graded and reported like any other: only softmax's checks fail", 82.0, r"hostile: an odd entry",
         build=module("long_" + "x" * 247 + ".py"), fragment="odd_entry.py"),
    Case("name_html_injection", CNN, "an entry named '<img src=x onerror=alert(1)> & \"q\".py'", "its name is escaped "
         "in every page: only softmax's checks fail", 82.0, r"hostile: an odd entry",
         build=module('<img src=x onerror=alert(1)> & "q".py'), fragment="odd_entry.py",
         must_not_render=(r"<img src=x",)),
    Case("name_index", CNN, "an entry named index.py, whose report would be index.html, the class overview",
         "its report and the overview both survive: only softmax's checks fail", 82.0, r"hostile: an odd entry",
         build=module("index.py"), fragment="odd_entry.py"),

    # ---- seq-models ----
    Case("read_ref_meta_path", SEQ, "RecurrentNeuralNetwork.forward clears sys.meta_path of the import guard, adds "
         "the project to sys.path and steps with reference.seq_models' cell", "nothing to import: the RNN's forward, "
         "gradient, fit and training checks fail", 72.0, NO_REFERENCE),
    Case("read_ref_proc_links", SEQ, "CustomGRU.forward reads the reference through /proc/<pid>/root and "
         "/proc/<pid>/cwd of every process", "no process outside the worker is visible: the GRU's checks fail", 72.0,
         NO_REFERENCE),
    Case("read_ref_git_objects", SEQ, "CustomLSTM.forward reads reference/seq_models.py at HEAD from .git/objects "
         "with zlib (loose objects, packs and deltas)", ".git is not in the worker's view: the LSTM's checks fail",
         72.0, NO_REFERENCE),
    Case("forge_meta_tensor", SEQ, "CustomGRU.forward returns meta tensors of the right shapes",
         "they cannot be sent back: the GRU's checks fail", 72.0, r"meta|" + NOT_PLAIN),
    Case("forge_sparse_tensor", SEQ, "RecurrentNeuralNetwork.forward returns sparse COO zeros",
         "a sparse tensor is refused or compared as the zeros it is: the RNN's checks fail", 72.0,
         r"sparse|Sparse|memory format|" + NOT_PLAIN),
    Case("forge_tensor_subclass", SEQ, "CustomLSTM.forward returns zeros as a torch.Tensor subclass whose __eq__, "
         "allclose, equal and isclose say True", "it travels as plain values and is compared in the grading "
         "process: the LSTM's checks fail (its zeros leave the input alone, which is all lstm.keeps-inputs asks: 1 point "
         "of allowance)", 73.0, r"should be a tensor|Handle", allowance=1.0),
    Case("forge_fake_torch_type", SEQ, "generate_data returns objects of a class calling itself torch.Tensor "
         "(__module__ 'torch'), claiming device cuda:7 and requires_grad, holding wrong data",
         "whatever it claims, the values are wrong: the data checks fail", 84.0, r"has shape \(2, 2\)|column 1 should be"),
    Case("patch_torch", SEQ, "RecurrentNeuralNetwork.forward makes torch.allclose/equal/isclose/testing.assert_close "
         "and Tensor.__eq__ agree with anything, and returns zeros of the right shapes", "comparisons happen in the "
         "grading process: the RNN's value checks fail (its zeros pass rnn.state-shape, a check of shapes only: "
         "2 points of allowance; fit_RNN, honest, reports the mean losses of the cell it runs, which rnn.epoch-loss "
         "credits as follow-through: 4 more; the zeros leave the input alone, which is all rnn.keeps-inputs asks: 1 more)",
         79.0, r"does not match|Mismatch|differ", allowance=7.0),
    Case("fit_forged_losses", SEQ, "fit_RNN prints and returns a made-up falling loss curve without a single step",
         "the grader measures losses and training itself: both fit checks fail", 88.0, r"mean loss of each epoch|held-out loss"),
    Case("exhaust_torch_memory", SEQ, "fit_LSTM asks torch for 800 GB, then 1 GiB tensors until stopped",
         "the memory limit stops it: the LSTM's fit checks fail", 88.0, MEMORY),
    Case("exhaust_cpu_threads", SEQ, "fit_GRU sets 64 torch threads and starts 16 threads burning CPU",
         "the process limit stops the threads (or they die with the worker): the GRU's fit checks fail, the rest is "
         "graded", 88.0, r"hostile: left 16 threads|can't start new thread|processes and threads"),

    # ---- rnn-scratch ----
    Case("read_ref_git_objects", RNN, "RNN.backward reads reference/rnn_scratch.py at HEAD from .git/objects with "
         "zlib (loose objects, packs and deltas)", ".git is not in the worker's view: the backward checks fail",
         66.0, NO_REFERENCE),
    Case("read_ref_grader_api", RNN, "one_hot_encode loads the reference with the grader's own API",
         "the assignment and reference are out of sight: one-hot and everything built on it fails", 68.0,
         NO_REFERENCE),
    Case("read_ref_spec_from_file", RNN, "predict loads the reference from its path and /proc/*/cwd with "
         "spec_from_file_location", "no such file: predict's checks fail", 77.0, NO_REFERENCE),
    Case("forge_nan_gradients", RNN, "backward returns NaN arrays of the parameters' shapes",
         "NaN equals nothing: the backward checks fail (it leaves its inputs alone and answers the same twice, which "
         "is all backward.no-side-effects asks: 2 points of allowance)", 68.0, r"nan|NaN", allowance=2.0),
    Case("forge_tuple_eq_true", RNN, "backward returns zeros as an ndarray subclass whose __eq__ and ufuncs agree, in "
         "a tuple subclass equal to everything", "they travel as plain arrays and a tuple: the backward checks fail "
         "(it leaves its inputs alone and answers the same twice, which is all backward.no-side-effects asks: 2 points "
         "of allowance)", 68.0, r"do not match|Gradients differ", allowance=2.0),
    Case("hardcoded_answer", RNN, "output() returns 'Acknowledgement', the word the grader trains on, when asked for "
         "15 characters from 'A', without looking at the model", "the check that trains the model must not be passed "
         "by a constant: output's checks fail", 83.0, r"Acknowledgement|hostile: only knows one answer"),
    Case("forge_unprintable", RNN, "predict returns a generator and an object whose repr and str loop forever",
         "neither can travel; nothing loops in the grader: predict's checks fail", 77.0, r"Handle|generator"),
    Case("wire_huge_buffer", RNN, "RNN.forward writes a well-formed reply on the worker's socket announcing one "
         "buffer of 2**62 bytes", "the reply is refused as too large: the forward check fails", 92.0, NOT_PLAIN),
    Case("wire_desync", RNN, "update_model writes a complete extra reply on the worker's socket",
         "no more than the honest parts: the update check fails", 92.0, NOT_PLAIN),
    Case("kill_every_pid", RNN, "predict sends SIGKILL to every pid in /proc but its own", "only the worker's own "
         "processes are in reach: predict's checks fail, the run goes on", 77.0, r"hostile: killed \d+|" + CRASHED),
    Case("killpg_grader", RNN, "output walks up /proc/<pid>/stat and sends SIGKILL to each ancestor's process group",
         "no ancestor is visible or in reach: output's checks fail, the run goes on", 83.0,
         r"hostile: sent SIGKILL|" + CRASHED),
    Case("kill_cli", RNN, "one_hot_encode finds the `grader grade` process by its command line and sends it SIGKILL",
         "it is not visible: one-hot's checks fail, the run goes on", 68.0, r"hostile: went after the grader"),
    Case("huge_reply", RNN, "predict returns a 100 MiB string, about 100 MB of JSON in the reply header",
         "the reply is refused as too large: predict's checks fail", 77.0, NOT_PLAIN + "|" + MEMORY),
    Case("daemon_setsid_binary", RNN, "update_model runs `setsid -f sleep 7779`", "it dies with the worker: no "
         "`sleep 7779` after the run; the update check fails", 92.0, r"unchanged"),
    Case("class_body_daemon", RNN, "RNN's class body runs `setsid sleep 7780 &` through the shell at every load",
         "the sleep dies with the worker; the class is honest, so nothing is lost", 100.0, None),
    Case("exhaust_recursion", RNN, "update_model sets the recursion limit to 10**7 and takes repr() of a list nested "
         "2 * 10**5 deep, until the C stack overflows", "the worker crashes (or raises RecursionError): the update "
         "check fails, the run goes on (on a busy machine it may reach its time limit first)", 92.0,
         CRASHED + r"|RecursionError|" + TIMEOUT),
    Case("exhaust_fork_bomb", RNN, "one_hot_encode forks 64 children at every call, each sleeping a minute",
         "the process limit or the worker's end stops them: one-hot's checks fail, no child is left", 68.0,
         r"hostile: forked"),
    Case("exhaust_fds", RNN, "predict opens /dev/null and socket pairs until it runs out of descriptors",
         "the open-files limit stops it: predict's checks fail", 77.0, r"hostile: ran out of descriptors"),
    Case("exhaust_output", RNN, "forward prints 10**9 characters and writes 100 MB to the real stdout and stderr",
         "the output is cut to the limit (or the call times out): the forward check fails, the report stays small",
         92.0, r"should have the keys|" + TIMEOUT),
    # Its 1 GiB blocks fill the memory limit's 2 GiB of headroom at the speed the machine touches new
    # memory: on a virtual machine whose host backs memory lazily, slower than this corpus's 3 s call
    # limit (measured: 3.5 s a block inside a worker, 0.1 s once the host has backed the pages).
    Case("exhaust_memory_numpy", RNN, "update_model asks numpy for a 10**6 x 10**6 matrix, then 1 GiB blocks",
         "the memory limit (or, where new memory is slow to touch, the call limit) stops it: the update check "
         "fails", 92.0, MEMORY + "|" + TIMEOUT),
    Case("net_public", RNN, "output resolves pypi.org, connects to 1.1.1.1:53 and 127.0.0.1:47771 and fetches "
         "http://example.com", "no network: output's checks fail at once", 83.0, r"hostile: tried the network",
         max_seconds=120.0),
    Case("patch_sys_modules", RNN, "Model.forward replaces json, numpy, grader.wire and grader.harness in "
         "sys.modules with empty modules", "the worker breaks or its replies are refused; the run goes on", 63.0,
         r"should return a pair|your code raised|" + NOT_PLAIN + "|" + CRASHED),
    Case("nb_broken_cell", RNN, "a notebook whose RNN cell does not parse (an unclosed parenthesis in backward)",
         "the cell is reported and lost, the rest is graded", 46.0, r"SyntaxError|never closed|does not parse",
         build=notebook(broken_backward_cell, drop=("RNN",)), fragment=""),
    Case("nb_shell_escapes", RNN, "a notebook with `!touch`, `%%bash`, `%system` and get_ipython().system cells, "
         "and a one_hot_encode that calls os.system", "magics and shell escapes are skipped, os.system runs in the "
         "worker only: nothing appears in /tmp", 68.0, r"skipped", build=notebook(shell_escapes)),
    Case("nb_not_a_notebook", RNN, "a .ipynb that is valid JSON but not a notebook",
         "the notebook cannot be read: 0 points", 0.0, r"not a readable Jupyter notebook",
         build=raw('{"cells": "none", "metadata": [], "nbformat": "four"}'), fragment=""),
    Case("zip_many_members", RNN, "a zip with 2501 members", "the zip is refused: 0 points", 0.0,
         r"files in the zip", build=zip_with(zip_many_members), fragment=""),
)


def cases_of(assignment: str) -> list[Case]:
    return [c for c in CASES if c.assignment == assignment]


def build_class(assignment: str, folder: Path) -> dict[str, Case]:
    """The class folder: the honest student and every case of ``assignment``. Entry name -> case."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{HONEST}.py").write_text(honest_source(assignment), encoding="utf-8")
    entries: dict[str, Case] = {}
    for case in cases_of(assignment):
        for entry in case.entries(folder):
            assert entry not in entries and entry != f"{HONEST}.py", entry
            entries[entry] = case
    return entries


def describe() -> str:
    """The corpus as text: one line per case (python -c 'from hostile.corpus import describe; print(describe())')."""
    return "\n".join(f"{c.assignment}/{c.name}: {c.attempts} -> {c.expect} (<= {c.max_percent:g} %)" for c in CASES)


def _check_corpus() -> None:
    seen = set()
    for case in CASES:
        key = (case.assignment, case.name)
        assert key not in seen, key
        seen.add(key)
        if case.build is None or case.fragment:
            compile(fragment_source(case), case.name, "exec")
        assert case.build is not None or case.fragment is None, case.name
        if case.reason is not None:
            re.compile(case.reason)


_check_corpus()
