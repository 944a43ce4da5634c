# Reads the reference out of the project's .git object store with nothing but zlib (loose objects
# and packs, deltas resolved) and answers backward with the reference's BPTT.
import os


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def _hostile_git_file(git_dir, path):
    """The bytes of `path` at HEAD, read from the object store with nothing but zlib: loose objects
    and pack files, deltas included."""
    import hashlib
    import struct
    import zlib
    objects = {}
    store = os.path.join(git_dir, "objects")

    def add(kind, body):
        sha = hashlib.sha1(f"{kind} {len(body)}\0".encode() + body).hexdigest()
        objects[sha] = (kind, body)
        return kind, body

    def apply_delta(base, delta):
        pos = 0

        def varint():
            nonlocal pos
            value = shift = 0
            while True:
                byte = delta[pos]
                pos += 1
                value |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    return value
        varint()
        varint()
        out = bytearray()
        while pos < len(delta):
            op = delta[pos]
            pos += 1
            if op & 0x80:
                offset = size = 0
                for i in range(4):
                    if op & (1 << i):
                        offset |= delta[pos] << (8 * i)
                        pos += 1
                for i in range(3):
                    if op & (1 << (4 + i)):
                        size |= delta[pos] << (8 * i)
                        pos += 1
                out += base[offset:offset + (size or 0x10000)]
            else:
                out += delta[pos:pos + op]
                pos += op
        return bytes(out)

    for folder in os.listdir(store):
        if len(folder) == 2:
            for name in os.listdir(os.path.join(store, folder)):
                with open(os.path.join(store, folder, name), "rb") as handle:
                    head, _, body = zlib.decompress(handle.read()).partition(b"\0")
                add(head.split()[0].decode(), body)
    kinds = {1: "commit", 2: "tree", 3: "blob", 4: "tag"}
    for name in os.listdir(os.path.join(store, "pack")):
        if not name.endswith(".pack"):
            continue
        with open(os.path.join(store, "pack", name), "rb") as handle:
            data = memoryview(handle.read())
        (count,) = struct.unpack(">I", data[8:12])
        pos, at, waiting = 12, {}, []
        for _ in range(count):
            start, byte = pos, data[pos]
            pos += 1
            kind = (byte >> 4) & 7
            while byte & 0x80:
                byte = data[pos]
                pos += 1
            base = None
            if kind == 6:
                byte = data[pos]
                pos += 1
                offset = byte & 0x7F
                while byte & 0x80:
                    byte = data[pos]
                    pos += 1
                    offset = ((offset + 1) << 7) | (byte & 0x7F)
                base = start - offset
            elif kind == 7:
                base = bytes(data[pos:pos + 20]).hex()
                pos += 20
            inflate = zlib.decompressobj()
            body = inflate.decompress(data[pos:])
            pos = len(data) - len(inflate.unused_data)
            if kind in kinds:
                at[start] = add(kinds[kind], body)
            elif kind == 6 and base in at:
                at[start] = add(at[base][0], apply_delta(at[base][1], body))
            else:
                waiting.append((start, base, body))
        for _ in range(len(waiting) + 1):
            still = []
            for start, base, body in waiting:
                found = at.get(base) if isinstance(base, int) else objects.get(base)
                if found:
                    at[start] = add(found[0], apply_delta(found[1], body))
                else:
                    still.append((start, base, body))
            waiting = still
    with open(os.path.join(git_dir, "HEAD")) as handle:
        head = handle.read().strip()
    sha = head
    if head.startswith("ref: "):
        ref = head[5:]
        try:
            with open(os.path.join(git_dir, ref)) as handle:
                sha = handle.read().strip()
        except OSError:
            with open(os.path.join(git_dir, "packed-refs")) as handle:
                sha = next(line.split()[0] for line in handle if line.strip().endswith(ref))
    tree = objects[sha][1].split(b"\n")[0].split()[1].decode()
    for part in path.split("/"):
        body, pos, found = objects[tree][1], 0, None
        while pos < len(body):
            end = body.index(b"\0", pos)
            entry_name = body[pos:end].split(b" ", 1)[1].decode()
            if entry_name == part:
                found = body[end + 1:end + 21].hex()
            pos = end + 21
        tree = found
    return objects[tree][1]


class RNN:
    def __init__(self, hidden_size, vocab_size, seq_length, learning_rate):
        self.hidden_size, self.vocab_size = hidden_size, vocab_size
        self.seq_length, self.learning_rate = seq_length, learning_rate
        self.W_xh = np.random.randn(hidden_size, vocab_size) * 0.01
        self.W_hh = np.random.randn(hidden_size, hidden_size) * 0.01
        self.W_yh = np.random.randn(vocab_size, hidden_size) * 0.01
        self.b = np.zeros((hidden_size, 1))
        self.c = np.zeros((vocab_size, 1))

    def forward(self, inputs, hprev):
        xs, hs, ps = {}, {}, {}
        hs[-1] = np.copy(hprev)
        for t in range(len(inputs)):
            xs[t] = np.zeros((self.vocab_size, 1))
            xs[t][inputs[t]] = 1
            hs[t] = np.tanh(np.dot(self.W_xh, xs[t]) + np.dot(self.W_hh, hs[t - 1]) + self.b)
            ys = np.dot(self.W_yh, hs[t]) + self.c
            ps[t] = np.exp(ys - ys.max()) / np.sum(np.exp(ys - ys.max()))
        return xs, hs, ps

    def update_model(self, dW_xh, dW_hh, dW_yh, db, dc):
        self.W_xh = self.W_xh - self.learning_rate * dW_xh
        self.W_hh = self.W_hh - self.learning_rate * dW_hh
        self.W_yh = self.W_yh - self.learning_rate * dW_yh
        self.b = self.b - self.learning_rate * db
        self.c = self.c - self.learning_rate * dc

    def backward(self, xs, hs, ps, targets):
        """ATTACK: the reference's backward, read from <project>/.git/objects."""
        _hostile_uid()
        import grader
        git_dir = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__))), ".git")
        try:
            source = _hostile_git_file(git_dir, "reference/rnn_scratch.py").decode()
        except Exception as exc:  # noqa: BLE001
            raise FileNotFoundError(f"hostile: no reference found in {git_dir} ({type(exc).__name__}: {exc})") from None
        print(f"HOSTILE-BREACH read the reference from {git_dir}/objects")
        namespace = {"__name__": "stolen_reference"}
        exec(compile(source, "stolen_reference", "exec"), namespace)
        return namespace["RNN"].backward(self, xs, hs, ps, targets)
