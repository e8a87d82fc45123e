"""`make bench`: throughput, memory and scaling of the gaoxin flow on a synthetic corpus.

    python -m flows.bench [--sizes 10,100] [--one-line 2,20] [--no-cli] [--out docs/benchmark.md] [--profile DIR]

The corpus is deterministic (one seeded random.Random) and built from the five seed
pages in raw/:
- paragraphs are recombined from sentences of all five seeds (a sentence keeps its
  own wording; figures of two digits or more are redrawn, dates and years kept), so pages
  mix material across seeds without being 99% copies of the same 300 paragraphs;
- ~10% of paragraphs repeat a paragraph printed earlier (same page or an earlier one);
- ~30% of pages get spam header lines modelled on the first line of raw/004… (after
  t2s), with its phrases reshuffled and resampled; a few get one mid-page;
- ~20% of pages are converted to traditional script with OpenCC s2t;
- pages are 20-50 KB of UTF-8, written to a temporary directory.

Each size runs in its own child process (so that ru_maxrss is the peak of that size
alone) which runs the flow in-process on Prefect's ephemeral API: first on an empty
raw dir (cold: server start, GX import = the fixed start-up cost), again on an empty
raw dir (warm: the per-run fixed cost), then on the corpus into a fresh warehouse, and
once more on the same corpus (nothing changed: what a scheduled run costs most days).

Two more measurements:
- pages of one line (2 MB and 20 MB, the same paragraphs run together without a line
  break), each in its own child process like a corpus size: extraction must stay linear
  in the length of a line;
- `gaoxin run` on the five seed pages as a user runs it (one process per run, start-up
  included): a first run into a new warehouse, then a run on the unchanged pages.
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import io
import json
import os
import platform
import pstats
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
SEED = 20240601
MB = 1_000_000

PAGE_BYTES = (20_000, 50_000)
TRADITIONAL_SHARE = 0.20
REPEAT_SHARE = 0.10
SPAM_PAGE_SHARE = 0.30
SENTENCES_PER_PARAGRAPH = (2, 5)

# Targets (reported as pass/fail lines, not asserted).
TARGET_OPENCC_RATIO = 0.5
TARGET_SCALING = 12.0
TARGET_PEAK_MB = 1536
TARGET_DEDUP_RATIO = 15.0     # 10x the passages; quadratic would be ~100x
TARGET_ONE_LINE_RATIO = 15.0  # a line 10x as long; quadratic would be ~100x
TARGET_UNCHANGED_S = 10.0     # a run on unchanged pages, after start-up

SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")
NUMBER = re.compile(r"\d+(?:\.\d+)?(?![\d.]|[年月日号时])")  # dates stay valid
YEAR = re.compile(r"(?:19|20)\d\d")


# --------------------------------------------------------------------------- corpus

def _seed_pages(raw_dir: Path) -> dict[str, str]:
    from transforms.decode import decode_bytes
    from transforms.to_simplified import normalize_text, to_simplified
    pages = {}
    for path in sorted(raw_dir.glob("*.txt")):
        text = decode_bytes(path.read_bytes()).text
        if text is not None:
            pages[path.name] = to_simplified(normalize_text(text))
    return pages


class CorpusBuilder:
    """Deterministic synthetic pages from the seeds (see the module docstring)."""

    def __init__(self, raw_dir: Path = RAW, seed: int = SEED):
        import opencc
        self.rng = random.Random(seed)
        self.s2t = opencc.OpenCC("s2t")
        pages = _seed_pages(raw_dir)
        spam_seed = next(name for name in pages if name.startswith("004"))
        self.spam_model = pages[spam_seed].split("\n", 1)[0].strip()
        self.spam_terms = [t for t in re.split(r"[,，]", self.spam_model) if t]
        self.headings, self.sentences = [], []
        for text in pages.values():
            for line in text.split("\n"):
                line = line.strip()
                if not line or line == self.spam_model:
                    continue
                if len(line) <= 40 and not re.search(r"[。！？；]", line):
                    self.headings.append(line)
                else:
                    self.sentences += [s.strip() for s in SENTENCE.findall(line) if len(s.strip()) >= 8]
        self.history: list[str] = []     # paragraphs printed so far (bounded), for repeats
        self.stats = {"pages": 0, "bytes": 0, "traditional_pages": 0, "spam_lines": 0,
                      "paragraphs": 0, "repeated_paragraphs": 0}

    def _redraw(self, m: re.Match) -> str:
        s = m.group(0)
        whole, _, frac = s.partition(".")
        if len(whole) < 2 or (len(whole) == 4 and YEAR.fullmatch(whole)):
            return s
        whole = str(self.rng.randint(10 ** (len(whole) - 1), 10 ** len(whole) - 1))
        return whole + ("." + "".join(str(self.rng.randint(0, 9)) for _ in frac) if frac else "")

    def paragraph(self) -> str:
        rng = self.rng
        self.stats["paragraphs"] += 1
        if self.history and rng.random() < REPEAT_SHARE:
            self.stats["repeated_paragraphs"] += 1
            return rng.choice(self.history)
        n = rng.randint(*SENTENCES_PER_PARAGRAPH)
        text = "".join(NUMBER.sub(self._redraw, rng.choice(self.sentences)) for _ in range(n))
        if len(self.history) < 2000:
            self.history.append(text)
        else:
            self.history[rng.randrange(len(self.history))] = text
        return text

    def spam_line(self) -> str:
        rng = self.rng
        self.stats["spam_lines"] += 1
        terms = rng.sample(self.spam_terms, k=rng.randint(2, len(self.spam_terms)))
        if rng.random() < 0.5:
            terms.insert(rng.randrange(len(terms) + 1), self.spam_terms[0][:4] * 2)
        return ",".join(terms)

    def page(self) -> str:
        rng = self.rng
        target = rng.randint(*PAGE_BYTES)
        lines = []
        if rng.random() < SPAM_PAGE_SHARE:
            lines += [self.spam_line() for _ in range(rng.randint(1, 2))] + [""]
        lines += [rng.choice(self.headings), ""]
        size = sum(len(line.encode()) + 1 for line in lines)
        while size < target:
            para = self.spam_line() if rng.random() < 0.005 else self.paragraph()
            lines += [para, ""]
            size += len(para.encode()) + 2
        text = "\n".join(lines)
        if rng.random() < TRADITIONAL_SHARE:
            self.stats["traditional_pages"] += 1
            text = self.s2t.convert(text)
        self.stats["pages"] += 1
        self.stats["bytes"] += len(text.encode())
        return text

    def passages(self, n: int) -> list[str]:
        return [self.paragraph() for _ in range(n)]


def build_one_line_page(out_dir: Path, size_mb: float, raw_dir: Path = RAW, seed: int = SEED) -> dict:
    """One page of size_mb (10^6 bytes) without a line break: the corpus builder's
    paragraphs run together. Same input, same page."""
    out_dir.mkdir(parents=True, exist_ok=True)
    builder = CorpusBuilder(raw_dir, seed)
    paragraphs, size = [], 0
    while size < size_mb * MB:
        paragraphs.append(builder.paragraph())
        size += len(paragraphs[-1].encode())
    text = "".join(paragraphs)
    data = text.encode()
    (out_dir / "one_line.txt").write_bytes(data)
    return {**builder.stats, "pages": 1, "bytes": len(data), "chars": len(text),
            "sha256": hashlib.sha256(data).hexdigest()[:16]}


def build_corpus(out_dir: Path, size_mb: float, raw_dir: Path = RAW, seed: int = SEED) -> dict:
    """Write pages into out_dir until size_mb (10^6 bytes) is reached. Same input, same corpus."""
    out_dir.mkdir(parents=True, exist_ok=True)
    builder = CorpusBuilder(raw_dir, seed)
    digest = hashlib.sha256()
    while builder.stats["bytes"] < size_mb * MB:
        data = builder.page().encode()
        (out_dir / f"page_{builder.stats['pages']:06d}.txt").write_bytes(data)
        digest.update(data)
    return {**builder.stats, "sha256": digest.hexdigest()[:16]}


# --------------------------------------------------------------------------- measurements

def opencc_baseline(corpus: Path) -> dict:
    """OpenCC t2s alone over the decoded pages of the corpus, one call per page like the flow."""
    import opencc
    cc = opencc.OpenCC("t2s")
    texts = [p.read_bytes().decode("utf-8") for p in sorted(corpus.iterdir())]
    nbytes = sum(len(t.encode()) for t in texts)
    t0 = time.perf_counter()
    for t in texts:
        cc.convert(t)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "mb_s": nbytes / MB / seconds}


DEDUP_REPEATS = 3   # best of 3: a 1-second timing on a shared machine varies by half


def bench_dedup(sizes=(10_000, 100_000), per_doc: int = 100) -> list[dict]:
    """find_duplicates on n synthetic passages (pages of `per_doc` passages, ~10% repeats)."""
    from transforms.dedup import Candidate, find_duplicates
    rows = []
    for n in sizes:
        texts = CorpusBuilder(seed=SEED + n).passages(n)
        candidates = [Candidate(f"d{i // per_doc:05d}-{i % per_doc:04d}", f"d{i // per_doc:05d}", t)
                      for i, t in enumerate(texts)]
        timings = []
        for _ in range(DEDUP_REPEATS):
            t0 = time.perf_counter()
            dup = find_duplicates(candidates)
            timings.append(time.perf_counter() - t0)
        rows.append({"n": n, "seconds": min(timings), "duplicates": len(dup)})
    return rows


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux


def _worker(corpus: str, work: str, result: str, profile: str | None) -> None:
    """Child process: cold empty run, warm empty run, corpus run; JSON to `result`."""
    t0 = time.perf_counter()
    import flows  # noqa: F401
    from flows.pipeline import gaoxin_flow
    import_s = time.perf_counter() - t0
    work_dir = Path(work)
    empty = work_dir / "empty-raw"
    empty.mkdir()
    t0 = time.perf_counter()
    gaoxin_flow(raw=str(empty), warehouse=str(work_dir / "wh-cold"))
    cold_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    gaoxin_flow(raw=str(empty), warehouse=str(work_dir / "wh-warm"))
    warm_s = time.perf_counter() - t0
    rss_before = _maxrss_mb()
    profiler = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    if profiler:
        profiler.enable()
    summary = gaoxin_flow(raw=corpus, warehouse=str(work_dir / "wh"))
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    wall_s = time.perf_counter() - t0
    peak_rss = _maxrss_mb()
    t0 = time.perf_counter()
    again = gaoxin_flow(raw=corpus, warehouse=str(work_dir / "wh"))
    unchanged_s = time.perf_counter() - t0
    Path(result).write_text(json.dumps({
        "import_s": import_s, "cold_s": cold_s, "warm_s": warm_s, "wall_s": wall_s,
        "rss_before_mb": rss_before, "peak_rss_mb": peak_rss,
        "timings": summary["timings"], "counts": summary["counts"],
        "validation_success": summary["validation"]["success"],
        "unchanged_s": unchanged_s, "unchanged_timings": again["timings"],
        "unchanged_pages": again["counts"]["documents_unchanged"],
    }))


def run_size(size_mb: float, profile_dir: Path | None = None, log=print, build=build_corpus,
             label: str = "") -> dict:
    """The flow on a corpus of size_mb that `build` writes (build_corpus, build_one_line_page)."""
    label = label or f"{size_mb:g} MB"
    with tempfile.TemporaryDirectory(prefix=f"gaoxin-bench-{size_mb:g}mb-") as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        corpus = build(tmp / "raw", size_mb)
        log(f"[{label}] corpus: {corpus['pages']} pages, {corpus['bytes'] / MB:.1f} MB "
            f"in {time.perf_counter() - t0:.1f}s; running the flow …")
        work = tmp / "work"
        work.mkdir()
        load_before = os.getloadavg()[0]
        env = {**os.environ, "PREFECT_HOME": str(tmp / "prefect-home"),
               "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "false",
               "PREFECT_LOGGING_LEVEL": "WARNING"}
        env.pop("PREFECT_API_URL", None)          # the ephemeral API, as `gaoxin run` uses it
        profile = str(profile_dir / f"flow-{label.replace(' ', '-')}.prof") if profile_dir else None
        cmd = [sys.executable, "-m", "flows.bench", "--worker", str(tmp / "raw"), str(work),
               str(tmp / "result.json")] + (["--profile-file", profile] if profile else [])
        with open(tmp / "worker.log", "w") as logf:
            rc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=logf, stderr=subprocess.STDOUT).returncode
        if rc != 0:
            tail = (tmp / "worker.log").read_text(errors="replace")[-4000:]
            raise RuntimeError(f"benchmark worker failed at {size_mb} MB (exit {rc}):\n{tail}")
        result = json.loads((tmp / "result.json").read_text())
        result["loadavg_before"] = load_before
        result["opencc"] = opencc_baseline(tmp / "raw")
        result["corpus"] = corpus
        result["size_mb"] = size_mb
        result["label"] = label
        if profile:
            result["profile"] = profile
        return result


SUMMARY_TIME = re.compile(r"(\w+) ([\d.]+)s")


def bench_cli_seeds(raw_dir: Path = RAW) -> dict:
    """`gaoxin run` on the seed pages as a user runs it, one process per run (start-up
    included): into a new warehouse, again with no page changed, and with a --raw that
    does not exist (refused before Prefect starts). Wall time and the summary's stages."""
    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-cli-") as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "PREFECT_HOME": str(tmp / "prefect-home"),
               "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "false"}
        env.pop("PREFECT_API_URL", None)
        out = {}
        for name, raw in (("first", raw_dir), ("unchanged", raw_dir), ("wrong_raw", tmp / "no-such-dir")):
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "flows.cli", "run", "--raw", str(raw),
                                   "--warehouse", str(tmp / "warehouse")],
                                  cwd=ROOT, env=env, capture_output=True, text=True)
            wall = time.perf_counter() - t0
            if proc.returncode != (1 if name == "wrong_raw" else 0):
                raise RuntimeError(f"gaoxin run ({name}) exited {proc.returncode}:\n{proc.stderr[-3000:]}")
            time_line = next((line for line in proc.stdout.splitlines() if line.strip().startswith("time")), "")
            out[name] = {"wall_s": wall, "stages_s": sum(float(x) for _, x in SUMMARY_TIME.findall(time_line)),
                         "stderr_lines": len(proc.stderr.strip().splitlines())}
        return out


# --------------------------------------------------------------------------- report

def _stages(results: list[dict]) -> list[str]:
    """The flow's stage names, in the order it reports them."""
    names: list[str] = []
    for r in results:
        names += [s for s in r["timings"] if s not in names]
    return names


def derived(r: dict) -> dict:
    mb = r["corpus"]["bytes"] / MB
    work_s = r["wall_s"] - r["warm_s"]                      # start-up and per-run fixed cost excluded
    if work_s < 0.2 * r["wall_s"]:
        # a small corpus: the fixed cost dominates and its noise would swamp the difference
        work_s = sum(r["timings"].values())
    return {
        "mb": mb, "work_s": work_s,
        "e2e_mb_s": mb / (r["import_s"] + r["cold_s"] + r["wall_s"]),
        "flow_mb_s": mb / r["wall_s"],
        "work_mb_s": mb / work_s,
        "opencc_ratio": (mb / work_s) / r["opencc"]["mb_s"],
        "untimed_s": r["wall_s"] - sum(r["timings"].values()),
    }


WHOLE_TABLE_STAGES = ("ingest", "land", "validate")


def _page_stages_s(r: dict) -> float:
    """Seconds of the page-wise stages (decode .. extract) of a run."""
    return sum(s for name, s in r["timings"].items() if name not in WHOLE_TABLE_STAGES)


def _mark(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _code_version() -> str:
    """The commit measured (and whether the work tree had changes), for the report."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head or "unknown") + (" with uncommitted changes" if dirty else "")


def render(results: list[dict], dedup: list[dict], profiles: dict[str, str] | None = None,
           one_line: list[dict] = (), cli: dict | None = None) -> str:
    cpu = ""
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    lines = [
        "# gaoxin benchmark", "",
        f"Machine: {os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}){', ' + cpu if cpu else ''}; "
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}; "
        f"{dt.datetime.now().strftime('%Y-%m-%d %H:%M')}; code {_code_version()}.",
        "", "Produced by `make bench` (`python -m flows.bench --out docs/benchmark.md`). The corpus is "
        "synthetic and deterministic (seeded), built from the five pages in raw/: sentences of all seeds "
        "recombined into paragraphs with their figures redrawn, ~10% repeated paragraphs, spam header "
        "lines modelled on raw/004's first line on ~30% of pages, ~20% of pages in traditional script "
        "(OpenCC s2t), 20-50 KB pages. MB = 10^6 bytes of UTF-8 input.", "",
        "Each size runs in its own process, the flow in-process on Prefect's ephemeral API, into its own "
        "temporary warehouse. *Start-up* = import of the flow module + a first flow run on an empty raw "
        "dir (ephemeral server start, GX import). *Fixed per run* = a second run on an empty raw dir. *Flow run again* = the corpus once more into the same warehouse, no page changed (the tables are carried over, not validated again). "
        "*Work* = corpus run minus the fixed per-run cost (the sum of stage times when the corpus is so "
        "small that the fixed cost dominates); the OpenCC ratio and the scaling use it. "
        "Stage times are the flow's own `summary[\"timings\"]`: a page-wise stage's time is the sum of its "
        "task runs over the chunks of 200 pages, each timed inside the task; the whole-table stages "
        "(ingest, validate, land) include Prefect's handling of the task. Peak memory is ru_maxrss of the process running the flow "
        "(the ephemeral API server is a separate process).", "",
    ]
    sizes = [f"{r['size_mb']:g} MB" for r in results]
    d = [derived(r) for r in results]
    lines += ["| | " + " | ".join(sizes) + " |", "|---|" + "---|" * len(results)]

    def row(label, values):
        lines.append(f"| {label} | " + " | ".join(values) + " |")

    row("corpus", [f"{r['corpus']['pages']} pages, {x['mb']:.1f} MB (sha256 {r['corpus']['sha256']})"
                   for r, x in zip(results, d)])
    row("traditional pages / spam lines / repeated paragraphs",
        [f"{r['corpus']['traditional_pages']} / {r['corpus']['spam_lines']} / {r['corpus']['repeated_paragraphs']}"
         for r in results])
    row("machine load before the run (1-min load average)", [f"{r.get('loadavg_before', 0):.2f}" for r in results])
    row("start-up (import + cold empty run)", [f"{r['import_s'] + r['cold_s']:.1f} s" for r in results])
    row("fixed per run (warm empty run)", [f"{r['warm_s']:.1f} s" for r in results])
    row("flow run on the corpus", [f"{r['wall_s']:.1f} s" for r in results])
    row("**flow run again, no page changed** (stages)",
        [f"**{r['unchanged_s']:.1f} s** ({sum(r['unchanged_timings'].values()):.2f} s)" for r in results])
    row("**end to end, start-up included**", [f"**{x['e2e_mb_s']:.2f} MB/s**" for x in d])
    row("flow run (warm process)", [f"{x['flow_mb_s']:.2f} MB/s" for x in d])
    row("**work (start-up and fixed cost excluded)**", [f"**{x['work_mb_s']:.2f} MB/s** ({x['work_s']:.1f} s)"
                                                        for x in d])
    for s in _stages(results):
        row(f"stage {s}", [f"{r['timings'].get(s, 0):.2f} s ({x['mb'] / max(r['timings'].get(s, 0), 1e-9):.1f} MB/s)"
                           for r, x in zip(results, d)])
    row("outside stages (frames, Prefect)", [f"{x['untimed_s']:.2f} s" for x in d])
    row("OpenCC t2s alone on the same pages", [f"{r['opencc']['mb_s']:.1f} MB/s ({r['opencc']['seconds']:.2f} s)"
                                              for r in results])
    row("pipeline work / OpenCC alone", [f"{x['opencc_ratio']:.3f}x" for x in d])
    row("**peak memory (ru_maxrss)**", [f"**{r['peak_rss_mb']:.0f} MB** (after empty runs {r['rss_before_mb']:.0f} MB)"
                                        for r in results])
    row("documents / passages kept / removed spam, boilerplate, duplicate",
        [f"{r['counts']['documents_ingested']} / {r['counts']['passages_kept']} / "
         f"{r['counts']['passages_removed_spam']}, {r['counts']['passages_removed_boilerplate']}, "
         f"{r['counts']['passages_removed_duplicate']}" for r in results])
    row("indicators landed / quarantined",
        [f"{r['counts']['indicators_landed']} / {r['counts']['indicators_quarantined']}" for r in results])

    if one_line:
        lines += ["", "Pages of one line (the corpus paragraphs run together without a line break; a line over "
                  "2,000 characters is cut at sentence ends before extraction), each run like a corpus size. "
                  "*Page stages* = decode .. extract, the stages whose time depends on a page's length:", "",
                  "| page | characters | flow run | page stages | stage extract | passages kept | indicators landed |",
                  "|---|---|---|---|---|---|---|"]
        for r in one_line:
            mb = r["corpus"]["bytes"] / MB
            lines.append(f"| {r['label']} | {r['corpus']['chars']:,} | {r['wall_s']:.1f} s | {_page_stages_s(r):.2f} s "
                         f"({mb / _page_stages_s(r):.2f} MB/s) | {r['timings'].get('extract', 0):.2f} s | "
                         f"{r['counts']['passages_kept']:,} | {r['counts']['indicators_landed']:,} |")
    if cli:
        lines += ["", "`gaoxin run` on the five seed pages, one process per run as a user runs it (start-up "
                  "included: Python, imports, Prefect's embedded server):", "",
                  "| run | wall time | stage time (summary) | lines on stderr (in a pipe: the run's log) |",
                  "|---|---|---|---|"]
        for key, label in (("first", "first run, new warehouse"), ("unchanged", "again, no page changed"),
                           ("wrong_raw", "a --raw that does not exist (refused before Prefect starts)")):
            c = cli[key]
            lines.append(f"| {label} | {c['wall_s']:.1f} s | {c['stages_s']:.2f} s | {c['stderr_lines']} |")
    lines += ["", "Dedup scaling (`transforms.dedup.find_duplicates`, best of 3 runs, synthetic passages "
              "in pages of 100, ~10% repeats):", "", "| passages | time | duplicates found |", "|---|---|---|"]
    for x in dedup:
        lines.append(f"| {x['n']:,} | {x['seconds']:.2f} s | {x['duplicates']:,} |")
    dedup_ratio = dedup[-1]["seconds"] / dedup[0]["seconds"] if len(dedup) > 1 else None
    lines += ["", "Targets:", ""]
    for r, x in zip(results, d):
        lines.append(f"- {_mark(x['opencc_ratio'] >= TARGET_OPENCC_RATIO)}: pipeline work >= "
                     f"{TARGET_OPENCC_RATIO}x OpenCC alone at {r['size_mb']:g} MB ({x['opencc_ratio']:.3f}x)")
    by_size = {r["size_mb"]: x for r, x in zip(results, d)}
    if 10 in by_size and 100 in by_size:
        scale = by_size[100]["work_s"] / by_size[10]["work_s"]
        lines.append(f"- {_mark(scale <= TARGET_SCALING)}: time(100 MB) / time(10 MB) <= {TARGET_SCALING:g}x "
                     f"({scale:.1f}x, work time)")
    else:
        lines.append("- n/a: time(100 MB) / time(10 MB) (run with --sizes 10,100)")
    if 100 in by_size:
        peak = next(r["peak_rss_mb"] for r in results if r["size_mb"] == 100)
        lines.append(f"- {_mark(peak < TARGET_PEAK_MB)}: peak memory < 1.5 GB at 100 MB ({peak:.0f} MB)")
    else:
        lines.append("- n/a: peak memory at 100 MB (run with --sizes 10,100); largest size run: "
                     + ", ".join(f"{r['peak_rss_mb']:.0f} MB at {r['size_mb']:g} MB" for r in results))
    if dedup_ratio is not None:
        lines.append(f"- {_mark(dedup_ratio <= TARGET_DEDUP_RATIO)}: dedup not quadratic: "
                     f"time({dedup[-1]['n']:,}) / time({dedup[0]['n']:,}) = {dedup_ratio:.1f}x "
                     f"(linear ~{dedup[-1]['n'] / dedup[0]['n']:.0f}x, quadratic ~{(dedup[-1]['n'] / dedup[0]['n']) ** 2:.0f}x)")
    for r in results:
        lines.append(f"- {_mark(r['unchanged_s'] < TARGET_UNCHANGED_S)}: a run on unchanged pages < "
                     f"{TARGET_UNCHANGED_S:g} s after start-up at {r['size_mb']:g} MB ({r['unchanged_s']:.1f} s)")
    if len(one_line) > 1:
        short, long_ = one_line[0], one_line[-1]
        ratio, size_ratio = _page_stages_s(long_) / _page_stages_s(short), long_["size_mb"] / short["size_mb"]
        lines.append(f"- {_mark(ratio <= TARGET_ONE_LINE_RATIO)}: one-line pages linear: page stages "
                     f"({long_['label']}) / ({short['label']}) = {ratio:.1f}x "
                     f"(linear ~{size_ratio:.0f}x, quadratic ~{size_ratio ** 2:.0f}x)")
    for name, text in (profiles or {}).items():
        lines += ["", f"Profile of the flow run at {name} (cProfile, top functions by own time):", "",
                  "```", text.rstrip(), "```"]
    return "\n".join(lines) + "\n"


def profile_summary(path: str, limit: int = 25) -> str:
    out = io.StringIO()
    stats = pstats.Stats(path, stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(limit)
    text = out.getvalue()
    return text[text.find("ncalls"):] if "ncalls" in text else text


# --------------------------------------------------------------------------- CLI

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,100", help="corpus sizes in MB, comma-separated (default 10,100)")
    parser.add_argument("--out", type=Path, help="write the markdown report here")
    parser.add_argument("--dedup", default="10000,100000", help="passage counts for the dedup scaling")
    parser.add_argument("--one-line", default="2,20", help="sizes in MB of the one-line pages (default 2,20; '' for none)")
    parser.add_argument("--no-cli", action="store_true", help="skip `gaoxin run` on the seed pages")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="cProfile the corpus flow runs; .prof files and a summary in the report")
    parser.add_argument("--worker", nargs=3, metavar=("CORPUS", "WORK", "RESULT"), help=argparse.SUPPRESS)
    parser.add_argument("--profile-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(*args.worker, profile=args.profile_file)
        return 0

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    results = []
    for size in sizes:
        r = run_size(size, args.profile, log)
        x = derived(r)
        log(f"[{size:g} MB] flow {r['wall_s']:.1f}s, work {x['work_mb_s']:.2f} MB/s, "
            f"peak {r['peak_rss_mb']:.0f} MB, stages {r['timings']}")
        results.append(r)
    one_line = []
    for size in [float(s) for s in args.one_line.split(",") if s.strip()]:
        r = run_size(size, args.profile, log, build=build_one_line_page, label=f"one line of {size:g} MB")
        log(f"[{r['label']}] flow {r['wall_s']:.1f}s, stages {r['timings']}")
        one_line.append(r)
    cli = None
    if not args.no_cli:
        log("gaoxin run on the seed pages …")
        cli = bench_cli_seeds()
    log("dedup scaling …")
    dedup = bench_dedup([int(n) for n in args.dedup.split(",") if n.strip()])
    profiles = {r["label"]: profile_summary(r["profile"]) for r in results + one_line if r.get("profile")}
    report = render(results, dedup, profiles, one_line, cli)
    print(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report, "utf-8")
        log(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
