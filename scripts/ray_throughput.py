"""Throughput of `proofmill.ray.generate` with 1 and 2 workers (README: "Python").

    PROOFMILL_BIN=target/release/proofmill target/py/bin/python scripts/ray_throughput.py 20000

For W in 1, 2: a local Ray of W CPUs, W shard tasks of one thread each
(`ring`, seed 0, default options), merged; prints the wall-clock time from
the first task to the merged manifest and the theorems per second, and
checks that both runs merged into the same corpus bytes. Each W runs in a
fresh process, so the two Rays do not share workers.
"""

import hashlib
import os
import subprocess
import sys
import tempfile


def one(workers, count, out):
    import ray

    import proofmill.ray

    ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    s = proofmill.ray.generate("ring", count, workers, out)
    ray.shutdown()
    print(f"{workers} worker(s): {s['records']} records in {s['seconds']:.1f} s, "
          f"{s['theorems_per_second']:.0f} theorems/s")


def digest(d):
    h = hashlib.sha256()
    for name in sorted(os.listdir(d)):
        h.update(name.encode())
        with open(os.path.join(d, name), "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        return one(int(sys.argv[2]), int(os.environ["COUNT"]), sys.argv[3])
    count = sys.argv[1] if len(sys.argv) > 1 else "20000"
    with tempfile.TemporaryDirectory() as tmp:
        outs = []
        for workers in (1, 2):
            out = os.path.join(tmp, f"w{workers}")
            subprocess.run([sys.executable, __file__, "--one", str(workers), out],
                           env={**os.environ, "COUNT": count}, check=True)
            outs.append(digest(out))
        assert outs[0] == outs[1], "1 and 2 workers merged into different corpora"
        print("same corpus bytes with 1 and 2 workers")


if __name__ == "__main__":
    main()
