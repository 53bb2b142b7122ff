"""A battery of hostile and broken submissions, for tests/test_hostile.py.

Each :class:`Attack` is the reference solutions with one module changed: a patch
(:class:`~autograder.authoring.variants.Mistake`) and/or code appended to ``rnnlab/<exercise>.py``
that redefines a function or runs at import. Every attack is bounded and safe for the
machine even if the grader failed to stop it: loops and sleeps end (RLIMIT_CPU, or a
sleep of a minute at most), forks are few and end at once, allocations that the memory
limit should refuse are ones NumPy refuses anyway or that fit this machine, and files an
attack should not touch live in the test's temporary folder.

Appended code may use ``@DEST@`` (the submission folder as built), ``@PARENT@`` (the folder
above it, holding ``canary.txt``) and ``@DATA@`` (the grader's fixtures); :meth:`Attack.build`
fills them in. Attacks that cheat call ``_solution_<function>`` (the original, kept before
the redefinition) only for the shape of a wrong answer: zeros, unless the cheat worked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from autograder.authoring.variants import Mistake, make_submission
from autograder.catalog import EXERCISES
from autograder.engine.outcome import Limits
from autograder.references import fixtures
from autograder.references.fixtures import DATA

FAST = Limits(case_seconds=0.5, import_seconds=2)
# (exercise, function) pairs graded: masking grades the layers' functions a second time
GRADED_FUNCTIONS = len({(case.exercise, case.function) for case in fixtures.load("hidden")})


def time_bound(limits: Limits, margin: float = 15.0) -> float:
    """The longest one grading may take, whatever the submission does.

    Every exercise may wait for its import twice (a second time with stand-ins for the
    modules it imports), and every function may time out ``strikes`` times, each timeout
    followed by a fresh child that imports the module again.
    """
    imports = 2 * len(EXERCISES) * limits.import_seconds
    timeouts = limits.strikes * GRADED_FUNCTIONS * (limits.case_seconds + limits.import_seconds)
    return imports + timeouts + margin


@dataclass(frozen=True)
class Attack:
    """One hostile submission: the solutions with ``exercise`` patched and/or extended.

    ``keywords``: every failed case of ``exercise`` must say one of them. ``whole``: every
    case of ``exercise`` must score 0 (not only some). ``marker``: a string in the command
    line of a process the attack tries to leave behind (none may exist after grading).
    ``costs``: False for code that is correct when every forbidden operation it tries is
    refused and caught: it must keep full marks. ``secret_text``: a string the attack puts
    around hidden values, which must never reach feedback.
    """

    name: str
    exercise: str
    keywords: tuple[str, ...]
    code: str = ""
    mistakes: tuple[Mistake, ...] = ()
    whole: bool = False
    marker: str = ""
    description: str = ""
    costs: bool = True
    secret_text: str = ""

    @property
    def cheat(self) -> bool:
        """Whether the code computes nothing unless a forbidden operation succeeds."""
        return bool(self.mistakes) or "_zeros_like(" in self.code or "_forged" in self.code
    def build(self, dest: Path) -> Path:
        """Write the submission to ``dest`` (a folder holding ``rnnlab/``)."""
        make_submission(dest, self.mistakes)
        if self.code:
            module = dest / "rnnlab" / f"{self.exercise}.py"
            code = (self.code.replace("@DEST@", str(dest.resolve()))
                    .replace("@PARENT@", str(dest.resolve().parent)).replace("@DATA@", str(DATA)))
            module.write_text(module.read_text() + "\n\n# --- hostile code ---\n" + code.strip() + "\n")
        return dest


ZEROS = '''
def _zeros_like(result):
    """A wrong answer of the right shape."""
    if isinstance(result, (tuple, list)):
        return type(result)(np.zeros_like(np.asarray(item)) for item in result)
    return np.zeros_like(np.asarray(result))
'''

CHEAT = ZEROS + '''
def _answer_from(paths, function, args):
    """Look the call up in fixture files, if any can be read."""
    import casefile
    for path in paths:
        try:
            cases = casefile.load_cases(path)[1]
        except BaseException:
            continue
        for case in cases:
            if case.function == function and np.array_equal(case.args[0], args[0]):
                return case.returns[0] if case.single else tuple(case.returns)
    return None
'''

SOCKETS = '''
def _sockets():
    """The descriptors of this process's sockets: the line to the grader."""
    import os
    import stat
    found = []
    for fd in range(3, 64):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                found.append(fd)
        except OSError:
            pass
    return found
'''


def _wrap(function: str, body: str, prelude: str = "") -> str:
    """Code that keeps ``function`` as ``_solution_<function>`` and redefines it."""
    return (f"{prelude}\n_solution_{function} = {function}\n\n\n"
            f"def {function}(*args, **kwargs):\n" + "".join(f"    {line}\n" for line in body.splitlines()))


def _cheat(function: str, probes: tuple[str, ...], prelude: str = "") -> str:
    """A function that answers from hidden fixtures (zeros if none can be read).

    ``probes``: expressions that each give candidate paths (or the bytes of a file), each
    tried on its own so that one refusal does not stop the others.
    """
    body = "paths = []\n" + "".join(
        f"try:\n    paths += {probe}\nexcept BaseException:\n    pass\n" for probe in probes)
    body += (f"found = _answer_from(paths, {function!r}, args)\n"
             f"return found if found is not None else _zeros_like(_solution_{function}(*args, **kwargs))")
    return _wrap(function, body, CHEAT + prelude)


ATTACKS: tuple[Attack, ...] = (
    # --- time ---------------------------------------------------------------------------
    Attack("loop_in_function", "simple_rnn", ("timed out", "not run"), whole=True,
           code=_wrap("simple_rnn_step", "import time\nend = time.monotonic() + 60\n"
                      "while time.monotonic() < end:\n    pass"),
           description="a busy loop (a minute: forever, to the grader) in simple_rnn_step"),
    Attack("loop_at_import", "lstm", ("took longer than",), whole=True,
           code="import time\n\n_end = time.monotonic() + 60\nwhile time.monotonic() < _end:\n    pass",
           description="a busy loop of a minute when lstm.py is imported"),
    Attack("sleep_at_import", "one_hot", ("took longer than",), whole=True,
           code="import time\ntime.sleep(60)",
           description="a long sleep at import of one_hot.py, which embedding.py imports"),
    Attack("deep_recursion", "simple_rnn",
           ("RecursionError", "MemoryError", "timed out", "ended", "not run"),
           code=_wrap("simple_rnn", "import sys\nsys.setrecursionlimit(10**6)\nreturn _deeper(0)",
                      "def _deeper(n):\n    return _deeper(n + 1) + 1\n"),
           description="unbounded recursion with the recursion limit raised"),
    Attack("drip_feed_reply", "lstm", ("timed out", "not run"),
           code=_wrap("lstm", "import os\nimport time\nfor fd in _sockets():\n"
                      "    os.write(fd, (100).to_bytes(8, 'big'))\n    for _ in range(100):\n"
                      "        os.write(fd, b' ')\n        time.sleep(0.1)\n"
                      "return _solution_lstm(*args, **kwargs)", SOCKETS),
           description="writes a reply to the grader's socket one byte every 0.1 s (10 s a call)"),
    # --- memory and output ---------------------------------------------------------------
    Attack("huge_allocation", "lstm", ("MemoryError",), whole=True,
           code=_wrap("sigmoid", "np.ones(10**11)\nreturn _solution_sigmoid(*args, **kwargs)"),
           description="np.ones(10**11) (800 GB) in sigmoid, which every lstm function calls"),
    Attack("memory_limit", "simple_rnn", ("MemoryError",), whole=True,
           code=_wrap("simple_rnn_step", "np.ones(5 * 10**8)\n"
                      "return _solution_simple_rnn_step(*args, **kwargs)"),
           description="a 4 GB array: refused only by the grader's memory limit"),
    Attack("huge_result", "simple_rnn", ("too large", "not run"),
           code=_wrap("simple_rnn", "return np.zeros((3000, 1000))"),
           description="returns a 24 MB array (the reply is over the limit)"),
    Attack("print_flood", "one_hot", ("File too large", "OSError"),
           code=_wrap("one_hot", "print('x' * 30_000_000)\nreturn _solution_one_hot(*args, **kwargs)"),
           description="prints 30 MB on every call"),
    # --- ending the process --------------------------------------------------------------
    Attack("os_exit_at_import", "one_hot", ("ended the process",), whole=True,
           code="import os\nos._exit(3)", description="os._exit at import of one_hot.py"),
    Attack("os_exit_in_function", "embedding", ("ended during the call", "not run"),
           code=_wrap("cosine_similarity", "import os\nos._exit(0)"),
           description="os._exit inside cosine_similarity"),
    Attack("sys_exit_at_import", "bidirectional", ("SystemExit",), whole=True,
           code="import sys\nsys.exit('bye')", description="sys.exit at import"),
    Attack("sys_exit_in_function", "embedding", ("SystemExit",),
           code=_wrap("embedding_lookup", "raise SystemExit(3)"),
           description="raises SystemExit in embedding_lookup"),
    Attack("keyboard_interrupt", "lstm", ("KeyboardInterrupt",),
           code=_wrap("lstm_step", "raise KeyboardInterrupt"),
           description="raises KeyboardInterrupt in lstm_step (lstm calls it too)"),
    # --- results that lie ----------------------------------------------------------------
    Attack("lying_ndarray_subclass", "simple_rnn", ("differ",),
           code=_wrap("simple_rnn", "result = _zeros_like(_solution_simple_rnn(*args, **kwargs))\n"
                      "if isinstance(result, tuple):\n    return tuple(r.view(_Liar) for r in result)\n"
                      "return result.view(_Liar)", ZEROS + '''
class _Liar(np.ndarray):
    """Claims to equal anything."""

    def __eq__(self, other):
        return np.ones(np.shape(self), bool)

    def __ne__(self, other):
        return np.zeros(np.shape(self), bool)

    def __array__(self, dtype=None, copy=None):
        return np.zeros(self.shape)
'''),
           description="an ndarray subclass whose __eq__ always answers True"),
    Attack("lying_array_object", "bidirectional",
           ("shape", "differ", "expected a tuple", "returned normally"),
           code=_wrap("bidirectional", "return _Pretender()", '''
class _Pretender:
    """Pretends to be an array of any shape."""

    shape = property(lambda self: (999,))

    def __array__(self, dtype=None, copy=None):
        return np.ones(1)

    def __len__(self):
        return 10**9

    def __eq__(self, other):
        return True
'''),
           description="an object whose __array__ and __eq__ lie"),
    Attack("raising_array_object", "lstm", ("cannot be turned into an array", "expected a tuple"),
           code=_wrap("lstm", "return _Broken()", '''
class _Broken:
    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("no array for you")
'''),
           description="an object whose __array__ raises"),
    Attack("nan_results", "simple_rnn", ("differ",),
           code=_wrap("simple_rnn", "result = _solution_simple_rnn(*args, **kwargs)\n"
                      "if isinstance(result, tuple):\n"
                      "    return tuple(np.full_like(r, np.nan) for r in result)\n"
                      "return np.full_like(result, np.nan)"),
           description="every value NaN"),
    Attack("inf_results", "embedding", ("differ",),
           code=_wrap("cosine_similarity", "return np.full_like(_solution_cosine_similarity(*args), np.inf)"),
           description="every value inf"),
    Attack("object_array", "one_hot", ("expected numbers",),
           code=_wrap("one_hot", "return _solution_one_hot(*args, **kwargs).astype(object)"),
           description="an array of dtype object"),
    Attack("python_list", "one_hot", ("dtype", "shape"),
           code=_wrap("one_hot", "return _solution_one_hot(*args, **kwargs).tolist()"),
           description="a Python list instead of a float32 array"),
    Attack("string_results", "embedding", ("expected numbers",),
           code=_wrap("embedding_lookup", "return _solution_embedding_lookup(*args, **kwargs).astype(str)"),
           description="an array of strings"),
    # --- patching what the grader runs ------------------------------------------------------
    Attack("patch_numpy", "lstm", ("differ",),
           code=_wrap("lstm", "return _zeros_like(_solution_lstm(*args, **kwargs))", ZEROS + '''
import numpy.testing

np.allclose = lambda *args, **kwargs: True
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(a, b).shape, bool)
np.array_equal = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
np.testing.assert_array_equal = lambda *args, **kwargs: None
'''),
           description="numpy's comparisons always say equal; lstm returns zeros"),
    Attack("patch_builtins", "simple_rnn", ("differ",),
           code=_wrap("simple_rnn", "return _zeros_like(_solution_simple_rnn(*args, **kwargs))", ZEROS + '''
import builtins

builtins.abs = lambda value: 0
builtins.all = lambda values: True
builtins.any = lambda values: False
builtins.round = lambda value, digits=None: 0
'''),
           description="builtins a comparison might use are replaced; simple_rnn returns zeros"),
    Attack("patch_grader_modules", "bidirectional", ("shape", "returned normally", "expected 2 results"),
           code='''
import sys

import casefile
from sandbox import audit

casefile.compare = lambda *args, **kwargs: []
casefile.changed_inputs = lambda *args, **kwargs: []
casefile.RTOL = casefile.ATOL = 1e9
audit.REFUSED.clear()


def _forged(case, module, submission):
    return casefile.pack_report({"status": "returned", "outputs": 1, "refused": []}, [np.zeros(1)])


sys.modules["__main__"].run_case = _forged
''', description="patches the worker's casefile, audit hook tables and run_case to report success"),
    Attack("patch_sandbox", "lstm", ("not allowed",), whole=True,
           code=_wrap("sigmoid", "os.listdir('/')\nreturn _solution_sigmoid(*args, **kwargs)", '''
import os
import posixpath

from sandbox import audit

audit.BLOCKED_EVENTS = ()
audit.BLOCKED_MODULES = frozenset()
audit.WRITE_EVENTS = audit.LIST_EVENTS = frozenset()
audit._resolve = audit._text = audit._writes = lambda *args, **kwargs: "/"
os.path.realpath = posixpath.realpath = lambda path, **kwargs: "/"
os.lstat = lambda *args, **kwargs: os.stat("/")
'''),
           description="disarms the audit hook's tables and helpers and os.path.realpath, then lists /"),
    Attack("forge_malformed_reply", "embedding", ("malformed", "not run"), whole=True,
           code='''
import sys

import casefile


def _forged(case, module, submission):
    return casefile.pack_report({"status": "raised", "error": "x", "outputs": "all"}, [])


sys.modules["__main__"].run_case = _forged
''', description="the worker sends replies whose fields have the wrong types"),
    Attack("forge_garbage_bytes", "one_hot", ("malformed", "not run"), whole=True,
           code=_wrap("one_hot", "import os\nfor fd in _sockets():\n"
                      "    os.write(fd, (16).to_bytes(8, 'big') + b'{not json at all')\n"
                      "return _solution_one_hot(*args, **kwargs)", SOCKETS),
           description="writes garbage to the grader's socket before its real reply"),
    # --- looking for hidden cases ---------------------------------------------------------
    Attack("read_hidden_fixtures", "lstm", ("not allowed",),
           code=_cheat("lstm", ("['@DATA@/hidden/lstm.cases']",
                                "glob.glob('/work/**/hidden/*.cases', recursive=True)",
                                "[os.path.join(d, f) for d, _, fs in os.walk('/') for f in fs"
                                " if f == 'lstm.cases']"),
                       "import glob\nimport os\n"),
           description="reads the hidden fixtures by path, glob and os.walk('/')"),
    Attack("read_parent_process", "bidirectional", ("not allowed",),
           code=_cheat("bidirectional", ("_proc('environ')", "_proc('cmdline')", "_proc('maps')",
                                         "os.listdir(f'/proc/{os.getppid()}/cwd')", "os.listdir('..')"), '''
import os


def _proc(name):
    """Strings from a file about the process that started this one."""
    return open(f"/proc/{os.getppid()}/{name}", "rb").read().decode("latin-1").split("\\0")
'''),
           description="reads /proc/<ppid>/{environ,cmdline,maps} and lists the grader's folders"),
    Attack("search_environment", "simple_rnn", ("differ",),
           code=_cheat("simple_rnn", ("_from_environment()",), '''
import os


def _from_environment():
    """Paths in environment variables that look like fixtures."""
    return [part for value in os.environ.values() for part in value.split(":")
            if "hidden" in part or part.endswith(".cases")]
'''),
           description="looks for fixture paths in os.environ"),
    Attack("tensorflow_oracle", "lstm", ("not allowed",),
           code=_wrap("lstm", "import tensorflow as tf\nraise RuntimeError(str(tf.keras.layers.LSTM))"),
           description="imports TensorFlow to run keras.layers.LSTM"),
    Attack("pathlike_open", "lstm", ("not allowed",),
           code=_cheat("lstm", ("[os.read(os.open(_Switch(), os.O_RDONLY), 10**7)]",
                                "[open(_Switch(), 'rb').read()]"), '''
import os


class _Switch:
    """A path-like object: the hook must check the path it names, or refuse it."""

    def __fspath__(self):
        return "@DATA@/hidden/lstm.cases"
'''),
           description="opens the hidden fixture through an os.PathLike object"),
    Attack("symlink_to_hidden", "embedding", ("not allowed",),
           code=_cheat("cosine_similarity", ("[_link()]",), '''
import os


def _link():
    os.symlink("@DATA@/hidden", "hidden")
    return "hidden/embedding.cases"
'''),
           description="links the hidden folder into its own folder"),
    Attack("chdir_and_dir_fd", "bidirectional", ("not allowed",),
           code=_cheat("bidirectional", ("[_through_folder()]", "[_after_chdir()]"), '''
import os


def _through_folder():
    """A descriptor of the standard library's folder, then a relative path out of it."""
    folder = os.open(os.path.dirname(os.__file__), os.O_RDONLY)
    fd = os.open("../" * 12 + "@DATA@/hidden/bidirectional.cases"[1:], os.O_RDONLY, dir_fd=folder)
    return os.read(fd, 10**7)


def _after_chdir():
    os.chdir("@DATA@/hidden")
    return open("bidirectional.cases", "rb").read()
'''),
           description="a folder descriptor for relative paths out, and chdir"),
    # --- files ---------------------------------------------------------------------------------
    Attack("write_outside", "one_hot", ("not allowed",),
           code=_wrap("one_hot", "import os\nopen('mine.txt', 'w').write('my own folder is fine')\n"
                      "for path in ('@DEST@/pwned.txt', '@PARENT@/pwned.txt', '../pwned.txt'):\n"
                      "    try:\n        open(path, 'w').write('pwned')\n    except OSError:\n        pass\n"
                      "return _zeros_like(_solution_one_hot(*args, **kwargs))", ZEROS),
           description="writes in its own folder, the submission folder and the folders above"),
    Attack("delete_outside", "bidirectional", ("not allowed",),
           code=_wrap("bidirectional", "for act in _ACTS:\n    try:\n        act()\n"
                      "    except OSError:\n        pass\n"
                      "return _zeros_like(_solution_bidirectional(*args, **kwargs))", ZEROS + '''
import os
import shutil

_ACTS = (
    lambda: os.remove("rnnlab/__init__.py"),  # its own copy: allowed
    lambda: os.remove("@DEST@/rnnlab/one_hot.py"),
    lambda: os.remove("@PARENT@/canary.txt"),
    lambda: os.rename("@PARENT@/canary.txt", "stolen.txt"),
    lambda: shutil.rmtree("@DEST@/rnnlab"),
    lambda: os.remove("../server.log"),
)
'''),
           description="deletes and renames files of the submission, the folder above and the grader"),
    # --- code that does not work ---------------------------------------------------------------
    Attack("syntax_error", "one_hot", ("SyntaxError",), whole=True,
           mistakes=(Mistake("syntax", "one_hot", "classes = np.arange(depth)",
                             "classes = np.arange(depth))"),),
           description="a syntax error in one_hot.py (embedding.py imports it)"),
    Attack("name_error", "simple_rnn", ("NameError",), whole=True,
           mistakes=(Mistake("name", "simple_rnn", "return np.tanh(z)", "return tanh(z)"),),
           description="a name used without import"),
    Attack("module_not_found", "bidirectional", ("ModuleNotFoundError",), whole=True,
           mistakes=(Mistake("module", "bidirectional", "import numpy as np\n",
                             "import numpy as np\nimport numpy.no_such_module\n"),),
           description="imports a module that does not exist"),
    # --- processes and signals ----------------------------------------------------------------
    Attack("background_process", "embedding", ("not allowed",), marker="29.125",
           code=_wrap("embedding_lookup", "import subprocess\n"
                      "subprocess.Popen(['sleep', '29.125'], start_new_session=True)\n"
                      "return _solution_embedding_lookup(*args, **kwargs)"),
           description="starts `sleep` in a new session, to outlive the call"),
    Attack("fork_exec", "embedding", ("not allowed",), marker="29.375",
           code=_wrap("cosine_similarity", "import os\nimport _posixsubprocess\nr, w = os.pipe()\n"
                      "_posixsubprocess.fork_exec([b'/bin/sleep', b'29.375'], [b'/bin/sleep'], True, (w,),"
                      " None, None, -1, -1, -1, -1, -1, -1, r, w, True, True, -1, None, None, None, -1,"
                      " None, False)\nreturn _solution_cosine_similarity(*args, **kwargs)"),
           description="starts a process through _posixsubprocess, which has no audit event"),
    Attack("fork_loop", "simple_rnn", ("not allowed",),
           code=_wrap("simple_rnn", "import os\nfor _ in range(3):\n    if os.fork() == 0:\n"
                      "        os._exit(0)\nreturn _solution_simple_rnn(*args, **kwargs)"),
           description="forks three times"),
    Attack("signal_parent", "bidirectional", ("not allowed",),
           code=_wrap("bidirectional", "import os\nimport signal\ntry:\n    os.kill(os.getppid(), 0)\n"
                      "except OSError:\n    pass\nsignal.pidfd_send_signal(os.pidfd_open(os.getppid()), 0)\n"
                      "return _solution_bidirectional(*args, **kwargs)"),
           description="signals the fork server (signal 0) with os.kill and a pidfd"),
    Attack("raise_memory_limit", "simple_rnn", ("not allowed",),
           code=_wrap("simple_rnn", "import resource\nresource.setrlimit(resource.RLIMIT_AS, "
                      "(resource.RLIM_INFINITY, resource.RLIM_INFINITY))\n"
                      "return _solution_simple_rnn(*args, **kwargs)"),
           description="lifts its own memory limit"),
    Attack("subinterpreter", "lstm", ("not allowed",),
           code=_wrap("lstm", "import _xxsubinterpreters as interpreters\n"
                      "interpreters.run_string(interpreters.create(), 'print(1)')\n"
                      "return _solution_lstm(*args, **kwargs)"),
           description="a subinterpreter runs without the audit hook"),
    Attack("trace_the_hook", "embedding", ("not allowed",),
           code=_wrap("cosine_similarity", "import sys\nsys.settrace(lambda *args: None)\n"
                      "return _solution_cosine_similarity(*args, **kwargs)"),
           description="installs a trace function (which could rewrite the hook's frames)"),
    Attack("find_the_hook", "simple_rnn", ("not allowed",),
           code=_wrap("simple_rnn", "import gc\n"
                      "hooks = [f for f in gc.get_objects() if getattr(f, '__name__', '') == 'hook']\n"
                      "return _solution_simple_rnn(*args, **kwargs)"),
           description="looks for the audit hook's function among all objects"),
    Attack("native_module_copy", "embedding", ("not allowed",), marker="29.625",
           code=_wrap("embedding_matmul", "fork_exec = _native().fork_exec\nr, w = os.pipe()\n"
                      "fork_exec([b'/bin/sleep', b'29.625'], [b'/bin/sleep'], True, (w,), None, None,"
                      " -1, -1, -1, -1, -1, -1, r, w, True, True, -1, None, None, None, -1, None, False)\n"
                      "return _solution_embedding_matmul(*args, **kwargs)", '''
import glob
import importlib
import os


def _native():
    """A fresh _posixsubprocess (real fork_exec): its .so copied into the submission."""
    source = glob.glob(os.path.dirname(os.__file__) + "/lib-dynload/_posixsubprocess*.so")[0]
    os.makedirs("rnnlab/native", exist_ok=True)
    with open(source, "rb") as original, open("rnnlab/native/" + os.path.basename(source), "wb") as copy:
        copy.write(original.read())
    return importlib.import_module("rnnlab.native._posixsubprocess")
'''),
           description="copies a standard extension module into its folder to load a fresh copy"),
    Attack("bytecode_file", "one_hot", ("not allowed",),
           code=_wrap("one_hot", "import importlib\nimport importlib._bootstrap_external as external\n"
                      "code = compile('def one_hot(*args): return 0', 'sneaky', 'exec')\n"
                      "open('rnnlab/sneaky.pyc', 'wb').write(external._code_to_timestamp_pyc(code))\n"
                      "return importlib.import_module('rnnlab.sneaky').one_hot(*args)"),
           description="writes and imports a .pyc (bytecode could be crafted to corrupt memory)"),
    Attack("craft_code_object", "lstm", ("not allowed",),
           code=_wrap("sigmoid", "code = _solution_sigmoid.__code__.replace(co_consts=(None,))\n"
                      "return _solution_sigmoid(*args, **kwargs)"),
           description="builds a code object (crafted ones can read and write any memory)"),
    # --- leaking hidden values into the feedback -----------------------------------------------------
    Attack("print_hidden_inputs", "lstm", ("differ",),
           code=_wrap("lstm", "inputs = np.asarray(args[0])\n"
                      "if inputs.shape[0] > 2:  # public cases have B <= 2\n"
                      "    print(repr(inputs.tolist()), flush=True)\n"
                      "    print(repr([np.asarray(a).tolist() for a in args[1:]]), flush=True)\n"
                      "return _zeros_like(_solution_lstm(*args, **kwargs))", ZEROS),
           description="prints the inputs of hidden cases"),
    Attack("raise_hidden_values", "bidirectional", ("ValueError",),
           code=_wrap("bidirectional", "inputs, layer, forward, backward = args[:4]\n"
                      "seen = np.asarray(layer(inputs, *forward, return_sequences=True))\n"
                      "raise ValueError(repr(seen.ravel().tolist())\n"
                      "                 + repr(np.asarray(inputs).ravel().tolist()))"),
           description="raises with the layer outputs (Keras's, played back) and inputs in the message"),
)

# --- attacks on the hook itself, for the kernel's layers to stop ---------------------------------

HOOK_STATE = '''
def _poke(address, value):
    """Write a 64-bit word anywhere in this process, through a strided NumPy view."""
    from numpy.lib.stride_tricks import as_strided
    base = np.zeros(1, np.int64)
    start = base.__array_interface__["data"][0]
    as_strided(base, shape=(2,), strides=(address - start,))[1] = value


def _disarm_hook():
    """Empty the hook's table of blocked events and make every path readable to it."""
    import os
    try:
        os.listdir("/")  # refused by the hook: its frame is in the traceback
    except PermissionError as error:
        tb = error.__traceback__
    else:
        return  # no hook
    while tb is not None and tb.tb_frame.f_code.co_name != "hook":
        tb = tb.tb_next
    if tb is None:
        return
    state = tb.tb_frame.f_locals
    _poke(id(state["blocked_events"]) + 16, 0)  # the tuple's length
    _poke(id(state["prefixes"]) + 24, id("/"))  # its first readable prefix becomes "/"
'''

NATIVE_UNDER_OTHER_NAME = '''
def _fork_exec():
    """A fresh _posixsubprocess loaded under a name whose first part is allowed."""
    import _imp
    import glob
    import importlib.machinery
    import os
    path = glob.glob(os.path.dirname(os.__file__) + "/lib-dynload/_posixsubprocess*.so")[0]
    spec = importlib.machinery.ModuleSpec("numpy._posixsubprocess", None, origin=path)
    return _imp.create_dynamic(spec).fork_exec


def _run(argv):
    """Run a program; its output (b"" if it could not start)."""
    import os
    fork_exec = _fork_exec()
    r, w = os.pipe()
    err_r, err_w = os.pipe()
    fork_exec([a.encode() for a in argv], [argv[0].encode()], True, (w,), None, None, -1, -1, -1,
              w, -1, -1, err_r, err_w, True, True, -1, None, None, None, -1, None, False)
    os.close(w)
    return os.read(r, 10**7)
'''

IPC_KEY = 0x524E4C  # "RNL": System V objects with this key must not exist after grading
FORBIDDEN_OPERATIONS = '''
import os
import signal
import socket


def _refused(action):
    """Whether the system refused ``action`` (the refusal must be a PermissionError)."""
    try:
        result = action()
    except (PermissionError, RuntimeError):
        return True  # RuntimeError: "can't start new thread"
    except BaseException:
        return False
    return result == -1  # a C function that reports failure by its result


def _libc():
    import ctypes
    return ctypes.CDLL(None, use_errno=True)


def _fork():
    if os.fork() == 0:
        os._exit(0)


IPC_KEY = @IPC_KEY@


def _site():
    return os.path.dirname(os.path.dirname(np.__file__))


def _raise_limits():
    import resource
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (-1, -1))
    except ValueError as error:  # how Python words the kernel's EPERM here
        raise PermissionError(str(error)) from None


_FORBIDDEN = {
    "fork": _fork,
    "thread": lambda: __import__("_thread").start_new_thread(lambda: None, ()),
    "spawn": lambda: __import__("subprocess").Popen(["/bin/true"]),
    "socket": lambda: socket.socket(),
    "unix socket": lambda: socket.socket(socket.AF_UNIX).connect("\\0rnnlab-hostile"),
    "kill the fork server": lambda: os.kill(os.getppid(), 0),
    "kill init": lambda: os.kill(1, 0),
    "kill everything": lambda: os.kill(-1, 0),
    "SIGIO owner": lambda: __import__("fcntl").fcntl(3, __import__("fcntl").F_SETOWN, os.getppid()),
    "read hidden": lambda: open("@DATA@/hidden/lstm.cases", "rb"),
    "read /etc": lambda: open("/etc/hostname", "rb"),
    "list /": lambda: os.listdir("/"),
    "read /proc": lambda: open(f"/proc/{os.getppid()}/environ", "rb"),
    "write site-packages": lambda: open(_site() + "/zz_rnnlab_hostile.pth", "w"),
    "write /tmp": lambda: open("/tmp/rnnlab-hostile.txt", "w"),
    "write parent": lambda: open("@PARENT@/pwned.txt", "w"),
    "write submission": lambda: open("@DEST@/pwned.txt", "w"),
    "raise limits": _raise_limits,
    "chroot": lambda: os.chroot("/"),
    "mknod": lambda: os.mknod("node", 0o600 | __import__("stat").S_IFCHR, os.makedev(1, 3)),
    "ptrace": lambda: _libc().ptrace(16, os.getppid(), 0, 0),
    "outlive the server": lambda: _libc().prctl(1, 0, 0, 0, 0),
    "unshare": lambda: _libc().unshare(0x20000),
    "mount": lambda: _libc().mount(b"none", b".", b"tmpfs", 0, None),
    "SysV shared memory": lambda: _libc().shmget(IPC_KEY, 4096, 0o1000 | 0o600),  # IPC_CREAT
    "SysV message queue": lambda: _libc().msgget(IPC_KEY, 0o1000 | 0o600),
    "SysV semaphores": lambda: _libc().semget(IPC_KEY, 1, 0o1000 | 0o600),
    "POSIX message queue": lambda: _libc().mq_open(b"/rnnlab-hostile", os.O_CREAT | os.O_RDWR, 0o600, None),
}


def _all_refused():
    allowed = [name for name, action in _FORBIDDEN.items() if not _refused(action)]
    print("allowed:", allowed, flush=True)
    return not allowed
'''.replace("@IPC_KEY@", str(IPC_KEY))

LETTERS = '''
def _letters(values):
    """Values spelled in letters: digits a-j, '.' as p, '-' as m, 'e' as x."""
    table = str.maketrans("0123456789.-e", "abcdefghijpmx")
    return "LEAKMARK" + "_".join(repr(float(v)).translate(table) for v in np.ravel(values)[:6])
'''

KERNEL_ATTACKS: tuple[Attack, ...] = (
    Attack("hook_memory_write", "lstm", ("differ", "PermissionError", "not allowed"), marker="29.0625",
           code=_cheat("lstm", ("_after_disarming()",), HOOK_STATE + '''
import os
import signal


def _after_disarming():
    _disarm_hook()
    for action in (lambda: os.kill(os.getppid(), signal.SIGKILL),
                   lambda: os.execv("/bin/sleep", ["/bin/sleep", "29.0625"]) if os.fork() == 0 else None):
        try:
            action()
        except OSError:
            pass
    return ["@DATA@/hidden/lstm.cases"]
'''),
           description="disarms the audit hook by writing into its state through a strided NumPy view,"
                       " then kills the fork server, forks, execs and reads the hidden fixtures"),
    Attack("native_under_other_name", "embedding", ("differ", "PermissionError", "not allowed"),
           marker="29.875",
           code=_cheat("cosine_similarity", ("[_run(['/bin/cat', '@DATA@/hidden/embedding.cases'])]",
                                             "[_run(['/bin/sh', '-c', 'sleep 29.875 &'])]"),
                       NATIVE_UNDER_OTHER_NAME),
           description="loads _posixsubprocess as numpy._posixsubprocess (_imp.create_dynamic) to run"
                       " cat on the hidden fixtures and leave a process behind"),
    Attack("forbidden_operations", "simple_rnn", (), costs=False,
           code=_wrap("simple_rnn_step", "if not _all_refused():\n"
                      "    return _zeros_like(_solution_simple_rnn_step(*args, **kwargs))\n"
                      "return _solution_simple_rnn_step(*args, **kwargs)", ZEROS + FORBIDDEN_OPERATIONS),
           description="tries 28 forbidden operations (processes, threads, signals, sockets, files,"
                       " limits, ptrace, mount, unshare, the parent-death signal, System V IPC and"
                       " POSIX queues) and catches each refusal: correct only if all were refused"),
    Attack("file_metadata_outside", "embedding", (), costs=False,
           code=_wrap("embedding_lookup", "import os\nfor action in (\n"
                      "    lambda: os.chmod('@PARENT@/canary.txt', 0),\n"
                      "    lambda: os.utime('@PARENT@/canary.txt', (0, 0)),\n"
                      "    lambda: os.setxattr('@PARENT@/canary.txt', 'user.pwned', b'1'),\n"
                      "    lambda: os.chown('@PARENT@/canary.txt', 65534, 65534),\n"
                      "    lambda: os.chmod('@DEST@/rnnlab', 0),\n):\n"
                      "    try:\n        action()\n    except OSError:\n        pass\n"
                      "return _solution_embedding_lookup(*args, **kwargs)"),
           description="changes the mode, times, owner and attributes of files outside its folder"
                       " (Landlock guards contents and names, not metadata: seccomp refuses these)"),
    Attack("thread_at_import", "one_hot", (), costs=False,
           code="import threading\nimport time\n\n\ndef _spin():\n    end = time.monotonic() + 60\n"
                "    while time.monotonic() < end:\n        pass\n\n\ntry:\n"
                "    threading.Thread(target=_spin, daemon=True).start()\nexcept RuntimeError:\n    pass",
           description="starts a busy thread when one_hot.py is imported (embedding.py imports it)"),
    Attack("signal_through_sigio", "bidirectional", (), costs=False,
           code=_wrap("bidirectional", "import fcntl\nimport os\nimport signal\nimport termios\n"
                      "for fd in _sockets():\n    for action in (\n"
                      "        lambda: fcntl.fcntl(fd, fcntl.F_SETOWN, os.getppid()),\n"
                      "        lambda: fcntl.fcntl(fd, 10, signal.SIGKILL),\n"
                      "        lambda: fcntl.ioctl(fd, 0x8901, os.getppid().to_bytes(4, 'little')),\n"
                      "        lambda: fcntl.fcntl(fd, fcntl.F_SETFL, os.O_ASYNC),\n    ):\n"
                      "        try:\n            action()\n        except OSError:\n            pass\n"
                      "return _solution_bidirectional(*args, **kwargs)", SOCKETS),
           description="makes the kernel send SIGKILL to the fork server when data arrives on its"
                       " socket (fcntl F_SETOWN/F_SETSIG, ioctl FIOSETOWN, O_ASYNC)"),
    Attack("pidfd_kill_server", "bidirectional", (), costs=False,
           code=_wrap("bidirectional", "import _signal\nimport os\nimport signal\nfor opener in (\n"
                      "    lambda: os.open(f'/proc/{os.getppid()}', os.O_RDONLY | os.O_DIRECTORY),\n"
                      "    lambda: __import__('posix').pidfd_open(os.getppid()),\n):\n    try:\n"
                      "        _signal.pidfd_send_signal(opener(), signal.SIGKILL)\n"
                      "    except OSError:\n        pass\n"
                      "return _solution_bidirectional(*args, **kwargs)"),
           description="kills the fork server through a pidfd (_signal.pidfd_send_signal, /proc/<pid>)"),
    Attack("pth_into_site_packages", "one_hot", (), costs=False,
           code=_wrap("one_hot", "import os\nsite = os.path.dirname(os.path.dirname(np.__file__))\n"
                      "for name in ('zz_rnnlab_hostile.pth', 'sitecustomize.py', 'usercustomize.py'):\n"
                      "    try:\n        open(os.path.join(site, name), 'w').write('# hostile\\n')\n"
                      "    except OSError:\n        pass\n"
                      "return _solution_one_hot(*args, **kwargs)"),
           description="writes a .pth and sitecustomize.py into the grader's site-packages"),
    Attack("truncate_log_then_print", "lstm", ("differ",),
           code=_wrap("lstm", "import os\ninputs = np.asarray(args[0])\n"
                      "if inputs.shape[0] > 2:  # public cases have B <= 2\n"
                      "    for fd in (1, 2):\n        os.ftruncate(fd, 0)\n"
                      "    print(repr(inputs.ravel().tolist()), flush=True)\n"
                      "return _zeros_like(_solution_lstm(*args, **kwargs))", ZEROS),
           description="truncates its log through its descriptor on hidden cases, then prints their inputs"),
    Attack("values_in_letters", "simple_rnn", ("ValueError", "exception"), secret_text="LEAKMARK",
           code=_wrap("simple_rnn", "inputs = np.asarray(args[0])\n"
                      "if inputs.shape[0] > 2:  # public cases have B <= 2\n"
                      "    spelled = _letters(inputs)\n"
                      "    if inputs.shape[1] % 2:\n"
                      "        raise type(spelled, (ValueError,), {})(spelled)\n"
                      "    exec(compile(f'def {spelled}():\\n    raise ValueError(\"{spelled}\")', "
                      "__file__[:-3] + spelled + '.py', 'exec'), globals())\n"
                      "    globals()[spelled]()\n"
                      "return _solution_simple_rnn(*args, **kwargs)", LETTERS),
           description="spells hidden inputs in letters in exception messages, class names, function"
                       " and file names"),
    Attack("relay_through_scratch", "lstm", ("exception", "ValueError", "ended", "not run"),
           secret_text="LEAKMARK",
           code=_wrap("lstm_step", "inputs = np.asarray(args[0])\n"
                      "if inputs.shape[0] > 3:  # public cases have B <= 3\n"
                      "    open('relay.txt', 'w').write(_letters(inputs))\n"
                      "    import os\n    os._exit(1)\n"
                      "return _solution_lstm_step(*args, **kwargs)", LETTERS + '''
import os

if os.path.exists("relay.txt"):
    raise ValueError(open("relay.txt").read())
'''),
           description="writes hidden inputs to its scratch folder and crashes; the next child's"
                       " import raises them in its message"),
    Attack("zeros_reveal_errors", "embedding", ("differ",),
           code=_wrap("embedding_lookup",
                      "return np.zeros_like(_solution_embedding_lookup(*args, **kwargs))"),
           description="returns zeros, so that an error size would be the expected value"),
    Attack("many_tiny_arrays", "one_hot", ("malformed", "not run", "timed out"),
           code=_wrap("one_hot", "import json\nimport os\n"
                      "header = json.dumps({'status': 'returned', 'outputs': 1,"
                      " 'arrays': [['<f4', [0]]] * 900_000}).encode()\n"
                      "body = len(header).to_bytes(8, 'big') + header\n"
                      "for fd in _sockets():\n    os.write(fd, len(body).to_bytes(8, 'big') + body)\n"
                      "return _solution_one_hot(*args, **kwargs)", SOCKETS),
           description="replies with 900,000 empty arrays (15 MB of header)"),
    Attack("deeply_nested_reply", "lstm", ("malformed", "not run"),
           code=_wrap("lstm_gates", "import os\nheader = b'[' * 1_000_000\n"
                      "body = len(header).to_bytes(8, 'big') + header\n"
                      "for fd in _sockets():\n    os.write(fd, len(body).to_bytes(8, 'big') + body)\n"
                      "return _solution_lstm_gates(*args, **kwargs)", SOCKETS),
           description="replies with a JSON header nested a million levels deep"),
    # --- the exercises 06-08 ---------------------------------------------------------------
    Attack("loop_in_gru_gates", "gru", ("timed out", "not run"), whole=True,
           code=_wrap("gru_gates", "import time\nend = time.monotonic() + 60\n"
                      "while time.monotonic() < end:\n    pass"),
           description="a busy loop in gru_gates, which gru_step and gru call (masking's GRU cases "
                       "play back a trusted step and never reach it)"),
    Attack("os_exit_in_padding_mask", "masking", ("ended during the call", "not run"),
           code=_wrap("padding_mask", "import os\nos._exit(0)"),
           description="os._exit inside padding_mask; the masked layers are graded on"),
    Attack("patch_sibling_layers", "masking", ("shape expected", "expected a tuple", "differ"),
           code="import rnnlab.gru\nimport rnnlab.lstm\nimport rnnlab.simple_rnn\n\n"
                "for _module in (rnnlab.simple_rnn, rnnlab.lstm, rnnlab.gru):\n"
                "    _name = _module.__name__.rsplit('.', 1)[1]\n"
                "    setattr(_module, _name, lambda inputs, *a, **k: np.zeros((len(inputs), 1)))\n",
           description="masking.py replaces the layer functions of simple_rnn.py, lstm.py and gru.py "
                       "at import: only the masking exercise's own process sees it"),
    Attack("lying_gradient_dict", "backward", ("shape expected", "expected None"),
           code=_wrap("lstm_backward", "return _Claims()", '''
class _Claims(dict):
    """A dict that claims every key, each holding one zero."""

    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        return np.zeros(1) if key != "initial_state" else (np.zeros(1), np.zeros(1))
'''),
           description="lstm_backward returns a dict subclass that claims every gradient"),
    Attack("unbounded_int_count", "params", ("expected numbers", "nothing was raised"), whole=True,
           code=_wrap("count_params", "return 10**400"),
           description="count_params returns an integer too large for any NumPy dtype"),
)

ATTACKS = ATTACKS + KERNEL_ATTACKS
BY_NAME = {attack.name: attack for attack in ATTACKS}


def build_all(root: Path) -> dict[str, Path]:
    """Every attack's submission under ``root`` (with ``root/canary.txt``), by name."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "canary.txt").write_text("the folder above every submission\n")
    return {attack.name: attack.build(root / attack.name) for attack in ATTACKS}


def command_lines() -> dict[int, str]:
    """The command line of every other process, by id."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            found[int(entry)] = (Path("/proc") / entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
    return found


def lingering(marker: str) -> list[int]:
    """Ids of processes whose command line holds ``marker``."""
    return [pid for pid, command in command_lines().items() if marker in command]
