"""A loaded model is shared safely: threads and a forked child get the same results as a
sequential run, and a save killed midway never damages the file already on disk."""
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import lever


def test_eight_threads_match_sequential(wordnet_model):
    model, texts, _ = wordnet_model
    expected_l, expected_s = model.predict(texts, k=10)
    chunks = [texts[i::8] for i in range(8)]

    def work(i):
        # Each thread predicts its slice in small batches, many times over.
        out = []
        for _ in range(3):
            parts = [model.predict(chunks[i][j:j + 37], k=10) for j in range(0, len(chunks[i]), 37)]
            out.append((np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])))
        return out

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(8)))
    for i, runs in enumerate(results):
        for labels, scores in runs:
            assert np.array_equal(labels, expected_l[i::8])
            assert scores.tobytes() == expected_s[i::8].tobytes()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_predict_in_forked_child(wordnet_model):
    model, texts, _ = wordnet_model
    expected, _ = model.predict(texts[:300], k=5)  # uses the worker pool in the parent first
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            labels, _ = model.predict(texts[:300], k=5)
            os.write(w, b"ok" if np.array_equal(labels, expected) else b"mismatch")
        finally:
            os._exit(0)
    os.close(w)
    deadline = time.time() + 60
    while time.time() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked child hung while predicting")
    assert os.read(r, 16) == b"ok"
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


SAVER = textwrap.dedent("""
    import sys, lever
    model = lever.Model.load(sys.argv[1])
    print("ready", flush=True)
    while True:
        model.save(sys.argv[2])
""")


def test_killed_save_leaves_previous_model_intact(wordnet_model, tiny_config, tmp_path):
    big, texts, _ = wordnet_model
    big.save(tmp_path / "big.lever")
    target = tmp_path / "model.lever"
    with lever.Model.train(tiny_config) as small:
        small.save(target)
        small_l, small_s = small.predict(texts[:50], k=3)
    big_l, big_s = big.predict(texts[:50], k=3)
    outcomes = set()
    killed_mid_write = 0
    # Half the kills wait for the temporary file to appear (so they land inside a write), half
    # land at arbitrary moments (possibly between saves, after a completed rename).
    for delay in [None, 0.0, None, 0.1, None, 0.3, None, 0.6, None, 0.9]:
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(tmp_path / "big.lever"), str(target)],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        if delay is None:
            deadline = time.time() + 30
            while not list(tmp_path.glob(".model.lever.lever-tmp-*")) and time.time() < deadline:
                time.sleep(0.0005)
        else:
            time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with lever.Model.load(target) as m:  # must load: the old model or a complete new one
            labels, scores = m.predict(texts[:50], k=3)
        if np.array_equal(labels, small_l) and scores.tobytes() == small_s.tobytes():
            outcomes.add("previous")
        else:
            assert np.array_equal(labels, big_l) and scores.tobytes() == big_s.tobytes()
            outcomes.add("new")
        for leftover in tmp_path.glob(".model.lever.lever-tmp-*"):
            killed_mid_write += 1
            leftover.unlink()  # a killed writer leaves its temporary file, never a damaged target
    assert killed_mid_write > 0, "no kill landed during a write; the test proved nothing"
    assert "new" in outcomes  # later kills land after at least one completed save
